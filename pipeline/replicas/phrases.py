"""Sentence templates of the Mercociudades replica, Spanish and Portuguese.

Typed as an editor types them (straight quotes). Placeholders: ``{city}``, ``{gov}`` / ``{Gov}``
(the local government, with its article), ``{what}`` (the action), ``{goal}``, ``{day}``,
``{number}``, ``{more}`` (a larger number), ``{partner}``, ``{people}``, ``{official}``,
``{quote}``, ``{country}``.
"""

from __future__ import annotations

__all__ = ["PHRASES"]

PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "es": {
        "intro": (
            "{Gov} puso en marcha {what}, una medida pensada para {goal} en el marco de la "
            "emergencia sanitaria por el COVID-19.",
            "En el contexto de la pandemia de COVID-19, {gov} impulsa {what}.",
            "Desde el {day}, {gov} lleva adelante {what}, con el objetivo de {goal}.",
        ),
        "goal": (
            "proteger a la población más expuesta",
            "sostener la actividad económica local",
            "garantizar el acceso a derechos básicos",
            "reducir la circulación del virus",
            "acompañar a las familias durante el aislamiento",
        ),
        "middle": (
            "La iniciativa alcanza a más de {number} {people} y se coordina con {partner}.",
            "Las inscripciones se realizan a través del portal municipal y de la línea "
            "telefónica gratuita habilitada para la emergencia.",
            "Los equipos municipales recorren los barrios para identificar situaciones de "
            "riesgo y acercar información sobre prevención.",
            "El programa se financia con recursos propios y con aportes del gobierno nacional.",
            "En una primera etapa se priorizó a personas mayores de 65 años, embarazadas y "
            "personas con enfermedades crónicas.",
            "La medida se evaluará cada quince días según la evolución de la situación "
            "epidemiológica.",
            "Además, se reforzaron los protocolos de higiene en los servicios de atención al "
            "público.",
            "Las organizaciones barriales cumplen un papel clave en la distribución y el "
            "seguimiento de cada caso.",
            'Según {official}, "{quote}".',
            "Hasta el momento se registraron {number} solicitudes y se atendieron más de "
            "{more} consultas.",
            "La experiencia de {city} ({country}) fue presentada a otras ciudades de la Red "
            "como ejemplo de respuesta local.",
        ),
        "people": ("familias", "personas", "hogares", "vecinos y vecinas", "comerciantes"),
        "partner": (
            "organizaciones sociales",
            "la universidad pública",
            "el Ministerio de Salud",
            "cooperativas locales",
            "la Cruz Roja",
        ),
        "official": (
            "la directora de Desarrollo Social",
            "el secretario de Salud",
            "la coordinadora del programa",
            "el intendente",
            "la alcaldesa",
        ),
        "quote": (
            "Nadie se salva solo",
            "La cercanía con los barrios es nuestra principal herramienta",
            "Cuidarnos es una tarea colectiva",
            "Queremos que ninguna familia quede sin respuesta",
            "Es un esfuerzo que solo es posible con la participación de la comunidad",
        ),
        "how_label": ("¿Cómo acceder? ", "Requisitos: ", "Importante: "),
        "how": (
            "las personas interesadas deben inscribirse en línea o llamar a la línea gratuita "
            "de atención ciudadana.",
            "se debe presentar el documento de identidad y un comprobante de domicilio.",
            "la atención es gratuita y no requiere cita previa.",
        ),
        "list_intro": ("Las principales medidas son:", "La iniciativa incluye:"),
        "list": (
            "Atención telefónica las 24 horas",
            "Entrega a domicilio para personas mayores",
            "Refuerzo de los equipos de salud en los barrios",
            "Coordinación con organizaciones sociales y comunitarias",
            "Difusión de recomendaciones de prevención en redes sociales",
            "Prórroga de vencimientos de tributos municipales",
            "Espacios de aislamiento para casos sospechosos",
            "Controles sanitarios en ferias y mercados",
        ),
        "more": ("Más información en el ", "La información completa está disponible en el "),
        "more_anchor": ("sitio web de {gov}", "portal oficial de {city}", "sitio de noticias"),
        "pdf": ("Descargue el documento ", "Puede consultar el "),
        "video": ("Presentación de {what}",),
        "closing": (
            "Esta experiencia forma parte del relevamiento de acciones locales frente al "
            "COVID-19 que Mercociudades difunde para compartir soluciones entre los gobiernos "
            "de la Red.",
            "Si tu ciudad desarrolla iniciativas similares, podés compartirlas con la "
            "Secretaría Técnica Permanente de Mercociudades.",
        ),
        "update": (
            "Actualización: ",
            "la iniciativa se extiende hasta fin de año y suma nuevos puntos de atención.",
        ),
        "edited_suffix": (" - actualizado",),
        "revised_suffix": (" (revisado)",),
        "revised_note": ("Nota de la redacción: datos revisados y enlaces actualizados.",),
    },
    "pt": {
        "intro": (
            "{Gov} lançou {what}, uma medida pensada para {goal} no contexto da emergência "
            "sanitária da COVID-19.",
            "Diante da pandemia de COVID-19, {gov} promove {what}.",
            "Desde {day}, {gov} realiza {what}, com o objetivo de {goal}.",
        ),
        "goal": (
            "proteger a população mais exposta",
            "sustentar a atividade econômica local",
            "garantir o acesso a direitos básicos",
            "reduzir a circulação do vírus",
            "acompanhar as famílias durante o isolamento",
        ),
        "middle": (
            "A iniciativa atende mais de {number} {people} e é coordenada com {partner}.",
            "As inscrições são feitas pelo portal da prefeitura e pela linha telefônica "
            "gratuita criada para a emergência.",
            "As equipes municipais percorrem os bairros para identificar situações de risco e "
            "levar informação sobre prevenção.",
            "O programa é financiado com recursos próprios e com repasses do governo federal.",
            "Numa primeira etapa, foram priorizados idosos, gestantes e pessoas com doenças "
            "crônicas.",
            "A medida será avaliada a cada quinze dias conforme a evolução da situação "
            "epidemiológica.",
            'Segundo {official}, "{quote}".',
            "A experiência de {city} ({country}) foi apresentada a outras cidades da Rede como "
            "exemplo de resposta local.",
        ),
        "people": ("famílias", "pessoas", "domicílios", "moradores", "comerciantes"),
        "partner": (
            "organizações sociais",
            "a universidade federal",
            "a Secretaria de Saúde",
            "cooperativas locais",
            "a Cruz Vermelha",
        ),
        "official": (
            "a secretária de Assistência Social",
            "o secretário de Saúde",
            "a coordenadora do programa",
            "o prefeito",
        ),
        "quote": (
            "Ninguém se salva sozinho",
            "A proximidade com os bairros é nossa principal ferramenta",
            "Cuidar uns dos outros é uma tarefa coletiva",
        ),
        "how_label": ("Como participar? ", "Importante: "),
        "how": (
            "os interessados devem se inscrever pela internet ou ligar para a central de "
            "atendimento.",
            "o atendimento é gratuito e não exige agendamento.",
        ),
        "list_intro": ("As principais medidas são:", "A iniciativa inclui:"),
        "list": (
            "Atendimento telefônico 24 horas",
            "Entrega em domicílio para idosos",
            "Reforço das equipes de saúde nos bairros",
            "Articulação com organizações sociais e comunitárias",
            "Prorrogação do prazo de pagamento de tributos municipais",
            "Espaços de isolamento para casos suspeitos",
        ),
        "more": ("Mais informações no ", "A informação completa está disponível no "),
        "more_anchor": ("site da prefeitura", "portal oficial de {city}", "site de notícias"),
        "pdf": ("Baixe o documento ", "Consulte o "),
        "video": ("Apresentação de {what}",),
        "closing": (
            "Esta experiência faz parte do levantamento de ações locais contra a COVID-19 que "
            "Mercocidades divulga para compartilhar soluções entre os governos da Rede.",
        ),
        "update": ("Atualização: ", "a iniciativa foi prorrogada até o fim do ano."),
        "edited_suffix": (" - atualizado",),
        "revised_suffix": (" (revisado)",),
        "revised_note": ("Nota da redação: dados revisados e links atualizados.",),
    },
}
