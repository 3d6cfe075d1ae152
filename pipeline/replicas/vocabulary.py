"""What the Mercociudades replica writes about: member cities, categories, local COVID-19 actions.

Texts are typed as an editor would type them in WordPress (straight quotes, `` - ``), Spanish
first, then Portuguese; ``{city}`` stands for the city's name in the post's language.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACTIONS",
    "CATEGORY_NAMES",
    "CITIES",
    "COUNTRY_NAMES",
    "HOSTILE_MARKUP",
    "LANDING_LINKS",
    "NETWORK_ACTIONS",
    "Action",
    "City",
]


@dataclass(frozen=True)
class City:
    name: str
    name_pt: str
    country: str  # ISO 3166-1 alpha-2
    host: str  # the local government's web site; linked to, never fetched
    government: tuple[str, str] | None = None  # (es, pt) when the country's usual name is wrong

    def local_name(self, lang: str) -> str:
        return self.name if lang == "es" else self.name_pt

    def government_name(self, lang: str) -> str:
        if self.government is not None:
            return self.government[0 if lang == "es" else 1]
        pattern = GOVERNMENTS[lang].get(self.country, GOVERNMENTS[lang]["*"])
        return pattern.format(name=self.local_name(lang))


GOVERNMENTS = {
    "es": {
        "UY": "la Intendencia de {name}",
        "BR": "la Prefeitura de {name}",
        "BO": "el Gobierno Autónomo Municipal de {name}",
        "EC": "el Municipio de {name}",
        "CO": "la Alcaldía de {name}",
        "VE": "la Alcaldía de {name}",
        "*": "la Municipalidad de {name}",
    },
    "pt": {"UY": "a Intendência de {name}", "*": "a Prefeitura de {name}"},
}

COUNTRY_NAMES = {
    "es": {
        "UY": "Uruguay",
        "AR": "Argentina",
        "BR": "Brasil",
        "PY": "Paraguay",
        "CL": "Chile",
        "BO": "Bolivia",
        "EC": "Ecuador",
        "PE": "Perú",
        "CO": "Colombia",
        "VE": "Venezuela",
    },
    "pt": {
        "UY": "Uruguai",
        "AR": "Argentina",
        "BR": "Brasil",
        "PY": "Paraguai",
        "CL": "Chile",
        "BO": "Bolívia",
        "EC": "Equador",
        "PE": "Peru",
        "CO": "Colômbia",
        "VE": "Venezuela",
    },
}

CITIES = (
    City("Montevideo", "Montevidéu", "UY", "montevideo.gub.uy"),
    City("Canelones", "Canelones", "UY", "www.imcanelones.gub.uy"),
    City("Paysandú", "Paysandú", "UY", "www.paysandu.gub.uy"),
    City("Maldonado", "Maldonado", "UY", "www.maldonado.gub.uy"),
    City("Rosario", "Rosário", "AR", "www.rosario.gob.ar"),
    City(
        "Buenos Aires",
        "Buenos Aires",
        "AR",
        "buenosaires.gob.ar",
        ("el Gobierno de la Ciudad de Buenos Aires", "o Governo da Cidade de Buenos Aires"),
    ),
    City("Córdoba", "Córdoba", "AR", "cordoba.gob.ar"),
    City("Mendoza", "Mendoza", "AR", "www.ciudaddemendoza.gov.ar"),
    City("Tandil", "Tandil", "AR", "www.tandil.gov.ar"),
    City("Santa Fe", "Santa Fe", "AR", "santafeciudad.gov.ar"),
    City("La Plata", "La Plata", "AR", "www.laplata.gob.ar"),
    City("Bahía Blanca", "Bahía Blanca", "AR", "www.bahia.gob.ar"),
    City("Morón", "Morón", "AR", "www.moron.gob.ar"),
    City("Rafaela", "Rafaela", "AR", "www.rafaela.gob.ar"),
    City("Porto Alegre", "Porto Alegre", "BR", "prefeitura.poa.br"),
    City("São Paulo", "São Paulo", "BR", "www.prefeitura.sp.gov.br"),
    City("Belo Horizonte", "Belo Horizonte", "BR", "prefeitura.pbh.gov.br"),
    City("Niterói", "Niterói", "BR", "www.niteroi.rj.gov.br"),
    City("Guarulhos", "Guarulhos", "BR", "www.guarulhos.sp.gov.br"),
    City("Curitiba", "Curitiba", "BR", "www.curitiba.pr.gov.br"),
    City("Foz do Iguaçu", "Foz do Iguaçu", "BR", "www.pmfi.pr.gov.br"),
    City("Santo André", "Santo André", "BR", "www.santoandre.sp.gov.br"),
    City("Campinas", "Campinas", "BR", "www.campinas.sp.gov.br"),
    City("Asunción", "Assunção", "PY", "www.asuncion.gov.py"),
    City("Encarnación", "Encarnación", "PY", "www.encarnacion.gov.py"),
    City("Ciudad del Este", "Ciudad del Este", "PY", "www.mcde.gov.py"),
    City("Santiago", "Santiago", "CL", "www.munistgo.cl"),
    City("Valparaíso", "Valparaíso", "CL", "www.municipalidaddevalparaiso.cl"),
    City("Peñalolén", "Peñalolén", "CL", "www.penalolen.cl"),
    City("Concepción", "Concepción", "CL", "www.concepcion.cl"),
    City("La Paz", "La Paz", "BO", "www.lapaz.bo"),
    City("Cochabamba", "Cochabamba", "BO", "www.cochabamba.bo"),
    City(
        "Quito",
        "Quito",
        "EC",
        "www.quito.gob.ec",
        ("el Municipio del Distrito Metropolitano de Quito", "a Prefeitura de Quito"),
    ),
    City("Cuenca", "Cuenca", "EC", "www.cuenca.gob.ec"),
    City("Lima", "Lima", "PE", "www.munlima.gob.pe"),
    City("Arequipa", "Arequipa", "PE", "www.muniarequipa.gob.pe"),
    City("Bogotá", "Bogotá", "CO", "bogota.gov.co"),
    City("Medellín", "Medellín", "CO", "www.medellin.gov.co"),
    City("Caracas", "Caracas", "VE", "www.alcaldiadecaracas.gob.ve"),
)

# The COVID-19 category first, then the themes, each with its Portuguese (Polylang) translation.
CATEGORY_NAMES = (
    ("COVID-19", "COVID-19"),
    ("Salud", "Saúde"),
    ("Desarrollo social", "Desenvolvimento social"),
    ("Género", "Gênero"),
    ("Cultura", "Cultura"),
    ("Ambiente", "Meio ambiente"),
    ("Economía", "Economia"),
    ("Educación", "Educação"),
    ("Gobernabilidad", "Governança"),
    ("Movilidad urbana", "Mobilidade urbana"),
    ("Innovación", "Inovação"),
)


@dataclass(frozen=True)
class Action:
    """A local answer to the pandemic: titles, what it is, its themes, its document's title."""

    title: tuple[str, str]  # (es, pt), with {city}
    what: tuple[str, str]
    themes: tuple[str, ...]  # Spanish category names
    document: tuple[str, str]


# fmt: off
ACTIONS = (
    Action(("{city}: canasta de emergencia alimentaria para familias vulnerables",
            "{city}: cesta básica emergencial para famílias vulneráveis"),
           ("la entrega de canastas de alimentos a familias en situación de vulnerabilidad",
            "a entrega de cestas básicas a famílias em situação de vulnerabilidade"),
           ("Desarrollo social", "Salud"),
           ("Protocolo de entrega de canastas",
            "Protocolo de entrega de cestas básicas")),
    Action(("{city} lanza un programa de acompañamiento a adultos mayores",
            "{city} lança programa de acompanhamento a idosos"),
           ("un programa de acompañamiento telefónico y entrega de medicamentos a adultos mayores",
            "um programa de acompanhamento telefônico e entrega de remédios a idosos"),
           ("Desarrollo social", "Salud"),
           ("Guía de cuidados para personas mayores",
            "Guia de cuidados para idosos")),
    Action(("{city} amplía los testeos masivos en barrios populares",
            "{city} amplia a testagem em massa nos bairros populares"),
           ("un operativo de testeo masivo casa por casa en los barrios populares",
            "uma operação de testagem em massa de casa em casa nos bairros populares"),
           ("Salud",),
           ("Informe epidemiológico semanal",
            "Boletim epidemiológico semanal")),
    Action(("{city} habilita un centro de aislamiento para personas en situación de calle",
            "{city} abre centro de acolhimento para pessoas em situação de rua"),
           ("un centro de aislamiento y atención para personas en situación de calle",
            "um centro de acolhimento e atenção para pessoas em situação de rua"),
           ("Desarrollo social", "Salud"),
           ("Protocolo de ingreso al centro de aislamiento",
            "Protocolo de acolhimento")),
    Action(("{city} refuerza la limpieza y desinfección del transporte público",
            "{city} reforça a higienização do transporte público"),
           ("la limpieza y desinfección diaria de ómnibus, paradas y terminales",
            "a higienização diária de ônibus, pontos e terminais"),
           ("Movilidad urbana", "Salud"),
           ("Protocolo sanitario para el transporte público",
            "Protocolo sanitário para o transporte público")),
    Action(('{city}: "Cuidarnos entre todos", la campaña para prevenir contagios',
            '{city}: "Cuidar de todos", a campanha para prevenir o contágio'),
           ('la campaña de comunicación "Cuidarnos entre todos"',
            'a campanha de comunicação "Cuidar de todos"'),
           ("Salud", "Gobernabilidad"),
           ("Manual de la campaña de prevención",
            "Manual da campanha de prevenção")),
    Action(("{city} - plan de apoyo a pequeños comercios y emprendedores",
            "{city} - plano de apoio a pequenos comércios e empreendedores"),
           ("un plan de apoyo económico a pequeños comercios y emprendimientos locales",
            "um plano de apoio econômico a pequenos comércios e empreendimentos locais"),
           ("Economía", "Desarrollo social"),
           ("Bases del fondo de apoyo a comercios",
            "Regulamento do fundo de apoio ao comércio")),
    Action(("{city} crea una línea telefónica de atención psicológica",
            "{city} cria linha telefônica de apoio psicológico"),
           ("una línea telefónica gratuita de atención psicológica durante el aislamiento",
            "uma linha telefônica gratuita de apoio psicológico durante o isolamento"),
           ("Salud",),
           ("Recomendaciones de salud mental",
            "Recomendações de saúde mental")),
    Action(("Ollas populares y comedores solidarios en {city}",
            "Cozinhas solidárias e refeitórios comunitários em {city}"),
           ("el apoyo a ollas populares y comedores comunitarios",
            "o apoio a cozinhas solidárias e refeitórios comunitários"),
           ("Desarrollo social",),
           ("Mapa de ollas populares",
            "Mapa das cozinhas solidárias")),
    Action(("{city} impulsa la compra a productores locales durante la cuarentena",
            "{city} incentiva a compra de produtores locais durante a quarentena"),
           ("un sistema de compra directa a productores locales con entrega a domicilio",
            "um sistema de compra direta de produtores locais com entrega em domicílio"),
           ("Economía", "Ambiente"),
           ("Listado de productores adheridos",
            "Lista de produtores participantes")),
    Action(("{city} ofrece clases y actividades culturales en línea",
            "{city} oferece aulas e atividades culturais on-line"),
           ("una agenda de clases, conciertos y talleres culturales en línea",
            "uma agenda de aulas, shows e oficinas culturais on-line"),
           ("Cultura", "Educación"),
           ("Programación cultural en línea",
            "Programação cultural on-line")),
    Action(("{city} instala puestos de vacunación en barrios periféricos",
            "{city} instala postos de vacinação em bairros periféricos"),
           ("nuevos puestos de vacunación contra el COVID-19 en los barrios periféricos",
            "novos postos de vacinação contra a COVID-19 nos bairros periféricos"),
           ("Salud",),
           ("Cronograma de vacunación",
            "Cronograma de vacinação")),
    Action(("{city} distribuye kits de higiene en asentamientos",
            "{city} distribui kits de higiene em comunidades"),
           ("la distribución de kits de higiene y agua potable en asentamientos",
            "a distribuição de kits de higiene e água potável em comunidades"),
           ("Salud", "Desarrollo social"),
           ("Informe de distribución de kits",
            "Relatório de distribuição de kits")),
    Action(("{city}: protocolo para ferias y mercados en la emergencia sanitaria",
            "{city}: protocolo para feiras e mercados durante a emergência sanitária"),
           ("un protocolo sanitario para el funcionamiento de ferias y mercados",
            "um protocolo sanitário para o funcionamento de feiras e mercados"),
           ("Economía", "Salud"),
           ("Protocolo para ferias vecinales",
            "Protocolo para feiras livres")),
    Action(("Teletrabajo y trámites digitales: la respuesta de {city}",
            "Teletrabalho e serviços digitais: a resposta de {city}"),
           ("la digitalización de los trámites municipales y el teletrabajo de sus funcionarios",
            "a digitalização dos serviços municipais e o teletrabalho dos servidores"),
           ("Innovación", "Gobernabilidad"),
           ("Guía de trámites en línea",
            "Guia de serviços on-line")),
    Action(("{city} amplía la red de refugios para mujeres en situación de violencia",
            "{city} amplia a rede de abrigos para mulheres em situação de violência"),
           ("la ampliación de la red de refugios y de atención a mujeres en situación de violencia",
            "a ampliação da rede de abrigos e de atendimento a mulheres em situação de violência"),
           ("Género", "Desarrollo social"),
           ("Guía de atención a mujeres en situación de violencia",
            "Guia de atendimento a mulheres em situação de violência")),
    Action(("{city} habilita ciclovías temporales para descongestionar el transporte",
            "{city} cria ciclovias temporárias para desafogar o transporte público"),
           ("una red de ciclovías temporales para descongestionar el transporte público",
            "uma rede de ciclovias temporárias para desafogar o transporte público"),
           ("Movilidad urbana", "Ambiente"),
           ("Plano de ciclovías temporales",
            "Mapa das ciclovias temporárias")),
    Action(("{city} lanza un fondo de emergencia para trabajadores de la cultura",
            "{city} lança fundo emergencial para trabalhadores da cultura"),
           ("un fondo de emergencia para artistas y trabajadores de la cultura",
            "um fundo emergencial para artistas e trabalhadores da cultura"),
           ("Cultura", "Economía"),
           ("Bases del fondo de emergencia cultural",
            "Edital do fundo emergencial da cultura")),
    Action(("El gobierno de {city} entrega tablets a estudiantes de escuelas públicas",
            "{city} entrega tablets a estudantes da rede pública"),
           ("la entrega de tablets y conectividad a estudiantes de escuelas públicas",
            "a entrega de tablets e conectividade a estudantes da rede pública"),
           ("Educación", "Innovación"),
           ("Plan de continuidad educativa",
            "Plano de continuidade educacional")),
    Action(("{city} suspende los cortes de agua y luz por falta de pago",
            "{city} suspende cortes de água e luz por falta de pagamento"),
           ("la suspensión de los cortes de servicios básicos por falta de pago",
            "a suspensão dos cortes de serviços básicos por falta de pagamento"),
           ("Desarrollo social", "Economía"),
           ("Resolución sobre servicios básicos",
            "Decreto sobre serviços básicos")),
    Action(("Programa 'Barrio a barrio' en {city}: salud y prevención puerta a puerta",
            "Programa 'Bairro a bairro' em {city}: saúde e prevenção de porta em porta"),
           ("el programa 'Barrio a barrio' de prevención y salud puerta a puerta",
            "o programa 'Bairro a bairro' de prevenção e saúde de porta em porta"),
           ("Salud", "Gobernabilidad"),
           ("Informe del programa Barrio a barrio",
            "Relatório do programa Bairro a bairro")),
    Action(("{city} adapta la recolección de residuos y el reciclaje a la pandemia",
            "{city} adapta a coleta de resíduos e a reciclagem à pandemia"),
           ("la adaptación de la recolección de residuos y del trabajo de los clasificadores",
            "a adaptação da coleta de resíduos e do trabalho dos catadores"),
           ("Ambiente",),
           ("Protocolo de gestión de residuos",
            "Protocolo de gestão de resíduos")),
    Action(("{city} convoca a voluntarios para asistir a personas en riesgo",
            "{city} convoca voluntários para ajudar pessoas do grupo de risco"),
           ("una red de voluntariado para asistir a personas de los grupos de riesgo",
            "uma rede de voluntariado para ajudar pessoas dos grupos de risco"),
           ("Desarrollo social", "Gobernabilidad"),
           ("Guía para voluntarios",
            "Guia para voluntários")),
)
# fmt: on

# fmt: off
NETWORK_ACTIONS = (
    Action(("Mercociudades lanza un ciclo de webinarios sobre gobiernos locales y pandemia",
            "Mercocidades lança ciclo de webinários sobre governos locais e pandemia"),
           ("un ciclo de webinarios para intercambiar experiencias entre gobiernos locales",
            "um ciclo de webinários para trocar experiências entre governos locais"),
           ("Gobernabilidad", "Innovación"),
           ("Programa del ciclo de webinarios",
            "Programa do ciclo de webinários")),
    Action(("Declaración de Mercociudades ante la emergencia sanitaria",
            "Declaração de Mercocidades diante da emergência sanitária"),
           ("una declaración sobre el papel de los gobiernos locales en la emergencia",
            "uma declaração sobre o papel dos governos locais na emergência"),
           ("Gobernabilidad",),
           ("Declaración de Mercociudades",
            "Declaração de Mercocidades")),
    Action(('Encuentro virtual "Ciudades que cuidan" - respuestas locales al COVID-19',
            'Encontro virtual "Cidades que cuidam" - respostas locais à COVID-19'),
           ('el encuentro virtual "Ciudades que cuidan"',
            'o encontro virtual "Cidades que cuidam"'),
           ("Salud", "Desarrollo social"),
           ("Relatoría del encuentro Ciudades que cuidan",
            "Relatoria do encontro Cidades que cuidam")),
    Action(("Mercociudades y la cooperación descentralizada frente a la crisis",
            "Mercocidades e a cooperação descentralizada diante da crise"),
           ("una agenda de cooperación descentralizada entre las ciudades de la Red",
            "uma agenda de cooperação descentralizada entre as cidades da Rede"),
           ("Gobernabilidad", "Economía"),
           ("Documento de trabajo sobre cooperación",
            "Documento de trabalho sobre cooperação")),
    Action(("Convocatoria: compartí las acciones de tu ciudad frente al COVID-19",
            "Chamada: compartilhe as ações da sua cidade contra a COVID-19"),
           ("un relevamiento de las acciones locales frente al COVID-19",
            "um levantamento das ações locais contra a COVID-19"),
           ("Gobernabilidad",),
           ("Formulario de relevamiento de acciones",
            "Formulário de levantamento de ações")),
    Action(("Género y pandemia: el aporte de las ciudades de la Red",
            "Gênero e pandemia: a contribuição das cidades da Rede"),
           ("un intercambio sobre políticas de género durante la pandemia",
            "um intercâmbio sobre políticas de gênero durante a pandemia"),
           ("Género",),
           ("Relevamiento de políticas de género",
            "Levantamento de políticas de gênero")),
)
# fmt: on

HOSTILE_MARKUP = (
    "<script>alert(1)</script>",
    '<p><img src=x onerror="alert(document.domain)"></p>',
    "<style>.entry-content a{display:none!important}</style>",
    '<script type="text/javascript">document.write(\'<iframe src="http://ads.example.invalid/"'
    ' width="1" height="1"></iframe>\');</script>',
)

LANDING_LINKS = (  # (url, Spanish anchor, Portuguese anchor)
    (
        "https://www.who.int/es/emergencies/diseases/novel-coronavirus-2019",
        "Organización Mundial de la Salud",
        "Organização Mundial da Saúde",
    ),
    (
        "https://www.paho.org/es/temas/coronavirus",
        "Organización Panamericana de la Salud",
        "Organização Pan-Americana da Saúde",
    ),
    (
        "https://www.cepal.org/es/temas/covid-19",
        "Observatorio COVID-19 de la CEPAL",
        "Observatório COVID-19 da CEPAL",
    ),
    (
        "https://www.uclg.org/es/temas/covid-19",
        "Ciudades y Gobiernos Locales Unidos (CGLU)",
        "Cidades e Governos Locais Unidos (CGLU)",
    ),
)
