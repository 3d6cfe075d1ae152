# ruff: noqa: E501  (data: one practice per block, as typed)
"""What the Bank of Best Practices replica writes about: local governments, public universities,
the thematic areas (the original eight and the nine axes of the newer call) and the practices.

Texts are typed as editors type them; Brazilian practices are written in Portuguese, the others in
Spanish. The site's own labels (field names, taxonomy terms, select choices) are Spanish.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AREAS_NEW",
    "AREAS_ORIGINAL",
    "COUNTRY_NAMES",
    "FIRST_NAMES",
    "GOVERNMENTS",
    "LAST_NAMES",
    "PRACTICES",
    "UNIVERSITIES",
    "Government",
    "PracticeTemplate",
]


@dataclass(frozen=True)
class Government:
    name: str  # the institution, as the practice names it
    type: str  # municipio, comuna, distrito, parroquia, prefeitura, intendencia
    city: str
    country: str  # ISO 3166-1 alpha-2
    host: str  # for the responsible person's e-mail address


COUNTRY_NAMES = {
    "AR": "Argentina",
    "BR": "Brasil",
    "UY": "Uruguay",
    "PY": "Paraguay",
    "CL": "Chile",
    "BO": "Bolivia",
    "PE": "Perú",
    "EC": "Ecuador",
    "CO": "Colombia",
    "VE": "Venezuela",
}

# Weighted as the bank is: most practices Argentine, then Brazilian, Uruguayan...
GOVERNMENTS = (
    Government("Municipalidad de Rosario", "municipio", "Rosario", "AR", "rosario.gob.ar"),
    Government("Municipalidad de Santa Fe", "municipio", "Santa Fe", "AR", "santafeciudad.gov.ar"),
    Government("Municipalidad de Córdoba", "municipio", "Córdoba", "AR", "cordoba.gob.ar"),
    Government("Municipalidad de La Plata", "municipio", "La Plata", "AR", "laplata.gob.ar"),
    Government("Municipio de Tandil", "municipio", "Tandil", "AR", "tandil.gov.ar"),
    Government("Municipalidad de Rafaela", "municipio", "Rafaela", "AR", "rafaela.gob.ar"),
    Government("Municipalidad de Bahía Blanca", "municipio", "Bahía Blanca", "AR", "bahia.gob.ar"),
    Government("Comuna de Arroyo Leyes", "comuna", "Arroyo Leyes", "AR", "arroyoleyes.gob.ar"),
    Government("Municipalidad de Paraná", "municipio", "Paraná", "AR", "parana.gob.ar"),
    Government(
        "Municipalidad de Mar del Plata", "municipio", "Mar del Plata", "AR", "mardelplata.gob.ar"
    ),
    Government(
        "Prefeitura de Porto Alegre", "prefeitura", "Porto Alegre", "BR", "portoalegre.rs.gov.br"
    ),
    Government(
        "Prefeitura Municipal de Santa Maria",
        "prefeitura",
        "Santa Maria",
        "BR",
        "santamaria.rs.gov.br",
    ),
    Government("Prefeitura de Curitiba", "prefeitura", "Curitiba", "BR", "curitiba.pr.gov.br"),
    Government(
        "Prefeitura Municipal de São Carlos",
        "prefeitura",
        "São Carlos",
        "BR",
        "saocarlos.sp.gov.br",
    ),
    Government("Intendencia de Montevideo", "intendencia", "Montevideo", "UY", "imm.gub.uy"),
    Government("Intendencia de Paysandú", "intendencia", "Paysandú", "UY", "paysandu.gub.uy"),
    Government("Municipalidad de Asunción", "municipio", "Asunción", "PY", "asuncion.gov.py"),
    Government(
        "Municipalidad de Encarnación", "municipio", "Encarnación", "PY", "encarnacion.gov.py"
    ),
    Government("Ilustre Municipalidad de Peñalolén", "comuna", "Peñalolén", "CL", "penalolen.cl"),
    Government(
        "Gobierno Autónomo Municipal de Cochabamba",
        "municipio",
        "Cochabamba",
        "BO",
        "cochabamba.bo",
    ),
    Government(
        "Municipalidad Distrital de Miraflores", "distrito", "Miraflores", "PE", "miraflores.gob.pe"
    ),
    Government("GAD Parroquial de Nayón", "parroquia", "Nayón", "EC", "nayon.gob.ec"),
    Government("Alcaldía de Manizales", "municipio", "Manizales", "CO", "manizales.gov.co"),
    Government("Alcaldía del Municipio Libertador", "municipio", "Caracas", "VE", "caracas.gob.ve"),
)
GOVERNMENT_WEIGHTS = (9, 7, 6, 6, 5, 4, 4, 3, 3, 3, 4, 3, 2, 2, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1)

# Public universities (Montevideo Group members and others), by country; domain for e-mails.
UNIVERSITIES = {
    "AR": (
        ("Universidad Nacional de Rosario", "unr.edu.ar"),
        ("Universidad Nacional del Litoral", "unl.edu.ar"),
        ("Universidad Nacional de Córdoba", "unc.edu.ar"),
        ("Universidad Nacional de La Plata", "unlp.edu.ar"),
        ("Universidad Nacional del Centro de la Provincia de Buenos Aires", "unicen.edu.ar"),
        ("Universidad Nacional del Sur", "uns.edu.ar"),
        ("Universidad Nacional de Entre Ríos", "uner.edu.ar"),
        ("Universidad Nacional de Mar del Plata", "mdp.edu.ar"),
    ),
    "BR": (
        ("Universidade Federal do Rio Grande do Sul", "ufrgs.br"),
        ("Universidade Federal de Santa Maria", "ufsm.br"),
        ("Universidade Federal do Paraná", "ufpr.br"),
        ("Universidade Federal de São Carlos", "ufscar.br"),
    ),
    "UY": (("Universidad de la República", "udelar.edu.uy"),),
    "PY": (
        ("Universidad Nacional de Asunción", "una.py"),
        ("Universidad Nacional de Itapúa", "uni.edu.py"),
    ),
    "CL": (("Universidad de Santiago de Chile", "usach.cl"), ("Universidad de Chile", "uchile.cl")),
    "BO": (("Universidad Mayor de San Simón", "umss.edu.bo"),),
    "PE": (("Universidad Nacional Mayor de San Marcos", "unmsm.edu.pe"),),
    "EC": (("Universidad Central del Ecuador", "uce.edu.ec"),),
    "CO": (("Universidad Nacional de Colombia", "unal.edu.co"),),
    "VE": (("Universidad Central de Venezuela", "ucv.ve"),),
}

# (term name, slug): the eight areas of the original call, then the nine axes of the newer one.
AREAS_ORIGINAL = (
    ("Ciudadanía participativa", "ciudadania-participativa"),
    ("Desarrollo local-territorial", "desarrollo-local-territorial"),
    ("Energía, infraestructura y redes de comunicación", "energia-infraestructura-redes"),
    ("Inclusión social y políticas públicas", "inclusion-social-politicas-publicas"),
    (
        "Integración fronteriza, planificación urbana y gestión territorial",
        "integracion-fronteriza-planificacion-urbana",
    ),
    ("Política y gestión ambiental", "politica-gestion-ambiental"),
    ("Política y gestión cultural", "politica-gestion-cultural"),
    ("Salud pública", "salud-publica"),
)
AREAS_NEW = (
    ("Desarrollo local-territorial", "desarrollo-local-territorial"),
    ("Educación, conocimiento y territorio", "educacion-conocimiento-territorio"),
    ("Gestión cultural", "gestion-cultural"),
    ("Inclusión social, derechos humanos, género y diversidad", "inclusion-derechos-genero"),
    ("Ciudades cuidadoras", "ciudades-cuidadoras"),
    ("Ambiente y sostenibilidad", "ambiente-sostenibilidad"),
    (
        "Gestión y planificación de ciudades y áreas metropolitanas",
        "gestion-planificacion-ciudades",
    ),
    ("Innovación pública", "innovacion-publica"),
    ("Turismo y desarrollo sostenible", "turismo-desarrollo-sostenible"),
)


@dataclass(frozen=True)
class PracticeTemplate:
    """A kind of practice: title, what was done, areas (original, new) and SDGs, es and pt."""

    title: tuple[str, str]  # {city}
    what: tuple[str, str]
    area_original: str
    area_new: str
    sdgs: tuple[int, ...]
    document: tuple[str, str]


# fmt: off
PRACTICES = (
    PracticeTemplate(("Presupuesto participativo joven en {city}",
                      "Orçamento participativo jovem em {city}"),
                     ("un presupuesto participativo en el que jóvenes de los barrios deciden proyectos",
                      "um orçamento participativo no qual jovens dos bairros decidem projetos"),
                     "Ciudadanía participativa", "Innovación pública", (11, 16),
                     ("Informe final del presupuesto participativo", "Relatório final do orçamento participativo")),
    PracticeTemplate(("Observatorio del empleo local de {city}",
                      "Observatório do emprego local de {city}"),
                     ("un observatorio que releva y publica datos del empleo y la producción local",
                      "um observatório que levanta e publica dados do emprego e da produção local"),
                     "Desarrollo local-territorial", "Desarrollo local-territorial", (8,),
                     ("Boletín del observatorio", "Boletim do observatório")),
    PracticeTemplate(("Red de conectividad barrial en {city}",
                      "Rede de conectividade nos bairros de {city}"),
                     ("una red de puntos de acceso gratuito a internet en centros comunitarios",
                      "uma rede de pontos de acesso gratuito à internet em centros comunitários"),
                     "Energía, infraestructura y redes de comunicación", "Innovación pública", (9, 11),
                     ("Mapa de la red de conectividad", "Mapa da rede de conectividade")),
    PracticeTemplate(("Programa de inclusión de personas con discapacidad en {city}",
                      "Programa de inclusão de pessoas com deficiência em {city}"),
                     ("un programa de formación e inserción laboral de personas con discapacidad",
                      "um programa de formação e inserção laboral de pessoas com deficiência"),
                     "Inclusión social y políticas públicas",
                     "Inclusión social, derechos humanos, género y diversidad", (4, 10),
                     ("Guía de inclusión laboral", "Guia de inclusão laboral")),
    PracticeTemplate(("Plan de ordenamiento del borde costero de {city}",
                      "Plano de ordenamento da orla de {city}"),
                     ("un plan de ordenamiento territorial para el borde costero y sus barrios",
                      "um plano de ordenamento territorial para a orla e seus bairros"),
                     "Integración fronteriza, planificación urbana y gestión territorial",
                     "Gestión y planificación de ciudades y áreas metropolitanas", (11,),
                     ("Plan de ordenamiento territorial", "Plano de ordenamento territorial")),
    PracticeTemplate(("Separación de residuos en origen en {city}",
                      "Coleta seletiva de resíduos em {city}"),
                     ("un sistema de separación de residuos en origen con cooperativas de recicladores",
                      "um sistema de coleta seletiva com cooperativas de catadores"),
                     "Política y gestión ambiental", "Ambiente y sostenibilidad", (11, 12),
                     ("Manual de separación de residuos", "Manual de coleta seletiva")),
    PracticeTemplate(("Corredor cultural universitario de {city}",
                      "Corredor cultural universitário de {city}"),
                     ("un corredor de espacios culturales gestionado con estudiantes y vecinos",
                      "um corredor de espaços culturais gerido com estudantes e moradores"),
                     "Política y gestión cultural", "Gestión cultural", (4, 11),
                     ("Agenda del corredor cultural", "Agenda do corredor cultural")),
    PracticeTemplate(("Salud comunitaria en los barrios de {city}",
                      "Saúde comunitária nos bairros de {city}"),
                     ("una red de promotores de salud formados por la universidad en centros de atención primaria",
                      "uma rede de agentes de saúde formados pela universidade na atenção primária"),
                     "Salud pública", "Ciudades cuidadoras", (3,),
                     ("Protocolo de atención comunitaria", "Protocolo de atenção comunitária")),
    PracticeTemplate(("Escuela de oficios y saberes del territorio en {city}",
                      "Escola de ofícios e saberes do território em {city}"),
                     ("una escuela de oficios con cursos dictados por docentes universitarios en los barrios",
                      "uma escola de ofícios com cursos ministrados por professores universitários nos bairros"),
                     "Desarrollo local-territorial", "Educación, conocimiento y territorio", (4, 8),
                     ("Programa de la escuela de oficios", "Programa da escola de ofícios")),
    PracticeTemplate(("Turismo rural comunitario en {city}",
                      "Turismo rural comunitário em {city}"),
                     ("circuitos de turismo rural diseñados con productores y guías locales",
                      "roteiros de turismo rural desenhados com produtores e guias locais"),
                     "Desarrollo local-territorial", "Turismo y desarrollo sostenible", (8, 12),
                     ("Guía de circuitos turísticos", "Guia de roteiros turísticos")),
    PracticeTemplate(("Cuidados para personas mayores en {city}",
                      "Cuidados para idosos em {city}"),
                     ("un sistema de cuidados domiciliarios para personas mayores con estudiantes de enfermería",
                      "um sistema de cuidados domiciliares para idosos com estudantes de enfermagem"),
                     "Inclusión social y políticas públicas", "Ciudades cuidadoras", (3, 5, 10),
                     ("Evaluación del sistema de cuidados", "Avaliação do sistema de cuidados")),
    PracticeTemplate(("Arbolado urbano y cambio climático en {city}",
                      "Arborização urbana e mudança do clima em {city}"),
                     ("un censo y plan de manejo del arbolado urbano frente al cambio climático",
                      "um censo e plano de manejo da arborização urbana frente à mudança do clima"),
                     "Política y gestión ambiental", "Ambiente y sostenibilidad", (11, 13, 15),
                     ("Censo del arbolado urbano", "Censo da arborização urbana")),
)
# fmt: on

FIRST_NAMES = (
    "María",
    "José",
    "Ana",
    "Carlos",
    "Lucía",
    "Jorge",
    "Patricia",
    "Martín",
    "Fernanda",
    "Gustavo",
    "Silvia",
    "João",
)
LAST_NAMES = (
    "González",
    "Pereira",
    "Fernández",
    "Silva",
    "Rodríguez",
    "Martins",
    "López",
    "Benítez",
    "Sosa",
    "Oliveira",
    "Acosta",
    "Núñez",
)
