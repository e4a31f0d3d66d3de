"""Demo newsroom content, written for this project. Names, places and events are fictional."""

SECTIONS = [
    {"slug": "internacional", "name_es": "Internacional", "name_en": "World"},
    {"slug": "americas", "name_es": "Américas", "name_en": "Americas"},
    {"slug": "europa", "name_es": "Europa", "name_en": "Europe"},
    {"slug": "oriente-proximo", "name_es": "Oriente Próximo", "name_en": "Middle East"},
    {"slug": "economia", "name_es": "Economía", "name_en": "Economy"},
]

AUTHORS = [
    {
        "slug": "lucia-ferrer",
        "name": "Lucía Ferrer",
        "role": "Coordinadora de Américas",
        "bio_es": "Lucía Ferrer coordina la cobertura de las Américas desde Ciudad de México.",
        "bio_en": "Lucía Ferrer coordinates Americas coverage from Mexico City.",
    },
    {
        "slug": "daniel-okafor",
        "name": "Daniel Okafor",
        "role": "Corresponsal en Bruselas",
        "bio_es": "Daniel Okafor cubre las instituciones europeas y la política de defensa.",
        "bio_en": "Daniel Okafor covers the European institutions and defence policy.",
    },
    {
        "slug": "samira-haddad",
        "name": "Samira Haddad",
        "role": "Editora de Oriente Próximo",
        "bio_es": "Samira Haddad dirige la cobertura de Oriente Próximo y el Golfo.",
        "bio_en": "Samira Haddad leads coverage of the Middle East and the Gulf.",
    },
    {
        "slug": "tomas-lindqvist",
        "name": "Tomás Lindqvist",
        "role": "Redactor de Economía",
        "bio_es": "Tomás Lindqvist escribe sobre energía, comercio y mercados emergentes.",
        "bio_en": "Tomás Lindqvist writes about energy, trade and emerging markets.",
    },
    {
        "slug": "irene-vaz",
        "name": "Irene Vaz",
        "role": "Traductora",
        "bio_es": "Irene Vaz traduce la edición inglesa.",
        "bio_en": "Irene Vaz translates the English edition.",
    },
]

ROLES_EN = {
    "Coordinadora de Américas": "Americas Coordinator",
    "Corresponsal en Bruselas": "Brussels Correspondent",
    "Editora de Oriente Próximo": "Middle East Editor",
    "Redactor de Economía": "Economy Writer",
    "Traductora": "Translator",
}

# Each story has a Spanish original and an English translation, an image description, bylines
# (author slug, role at the time of writing) and tags.
STORIES = [
    {
        "section": "americas",
        "type": "news",
        "tags": ["elecciones", "andes"],
        "bylines": [("lucia-ferrer", "Coordinadora de Américas")],
        "image": {
            "palette": ((24, 58, 94), (196, 142, 74)),
            "photographer": "MARTA QUISPE",
            "agency": "PRENSA ANDINA",
            "distributor": "AGENCIA NORTE",
            "caption_es": "Votantes hacen fila ante un colegio electoral en el altiplano.",
            "caption_en": "Voters queue outside a polling station on the high plateau.",
            "alt_es": "Una larga fila de personas abrigadas frente a una escuela de adobe.",
            "alt_en": "A long line of people in warm clothes outside an adobe school.",
        },
        "es": {
            "headline": "El altiplano vota entre colas de horas y un recuento bajo la lupa",
            "standfirst": "La participación supera el 70 % en una jornada sin incidentes graves, "
            "mientras observadores regionales piden paciencia con el escrutinio.",
            "dateline": "La Paz",
            "body": "<p>Miles de votantes esperaron durante horas bajo un sol intenso para "
            "depositar su papeleta en una elección que los analistas consideran la más "
            "disputada de la última década.</p><p>Los observadores de la misión regional "
            "señalaron retrasos en la apertura de algunas mesas rurales, pero ninguna "
            "irregularidad que comprometa el resultado.</p><h2>Un recuento lento</h2><p>La "
            "autoridad electoral pidió calma y recordó que el recuento manual de las zonas "
            "más remotas puede tardar hasta cinco días.</p><blockquote>Cada voto cuenta, "
            "también los que llegan a lomo de mula.</blockquote><p>Los dos principales "
            "candidatos han prometido respetar el resultado oficial.</p>",
        },
        "en": {
            "headline": "High plateau votes amid hours-long queues and a closely watched count",
            "standfirst": "Turnout tops 70% on a day without serious incidents, as regional "
            "observers urge patience with the count.",
            "dateline": "La Paz",
            "body": "<p>Thousands of voters waited for hours under a fierce sun to cast their "
            "ballots in an election analysts call the most contested of the decade.</p><p>"
            "Observers from the regional mission reported late openings at some rural "
            "polling stations, but no irregularity that would put the result in doubt.</p>"
            "<h2>A slow count</h2><p>The electoral authority asked for calm and noted that "
            "the manual count in the remotest areas can take up to five days.</p><blockquote>"
            "Every vote counts, including the ones that arrive by mule.</blockquote><p>Both "
            "leading candidates have promised to respect the official result.</p>",
        },
    },
    {
        "section": "europa",
        "type": "analysis",
        "tags": ["defensa", "union-europea"],
        "bylines": [("daniel-okafor", "Corresponsal en Bruselas")],
        "image": {
            "palette": ((30, 40, 70), (120, 150, 200)),
            "photographer": "PIETER VAN DAM",
            "agency": "",
            "distributor": "AGENCIA NORTE",
            "caption_es": "Banderas frente a la sede del Consejo durante la cumbre.",
            "caption_en": "Flags outside the Council building during the summit.",
            "alt_es": "Una hilera de banderas de colores ondea ante un edificio de cristal.",
            "alt_en": "A row of colourful flags flies in front of a glass building.",
        },
        "es": {
            "headline": "Bruselas busca un fondo común de defensa sin romper las reglas fiscales",
            "standfirst": "Los gobiernos discuten cómo financiar la compra conjunta de "
            "munición sin que cuente como déficit.",
            "dateline": "Bruselas",
            "body": "<p>La propuesta, que circula desde hace semanas entre las capitales, "
            "crearía un instrumento de préstamo respaldado por el presupuesto común.</p><p>"
            "Los países del norte temen que se convierta en deuda compartida permanente; los "
            "del sur lo ven como la única vía para cumplir los objetivos de gasto.</p><h2>La "
            "letra pequeña</h2><p>El borrador excluye del cómputo del déficit solo las "
            "compras realizadas de forma conjunta por al menos tres Estados.</p>",
        },
        "en": {
            "headline": "Brussels seeks a joint defence fund without breaking fiscal rules",
            "standfirst": "Governments are debating how to finance joint ammunition purchases "
            "without counting them as deficit.",
            "dateline": "Brussels",
            "body": "<p>The proposal, which has circulated among capitals for weeks, would "
            "create a lending instrument backed by the common budget.</p><p>Northern states "
            "fear it would become permanent shared debt; southern ones see it as the only "
            "way to meet spending targets.</p><h2>The small print</h2><p>The draft exempts "
            "from the deficit rules only purchases made jointly by at least three states.</p>",
        },
    },
    {
        "section": "oriente-proximo",
        "type": "news",
        "tags": ["rusia-iran", "energia"],
        "bylines": [
            ("samira-haddad", "Editora de Oriente Próximo"),
            ("tomas-lindqvist", "Redactor de Economía"),
        ],
        "image": {
            "palette": ((88, 52, 28), (232, 196, 128)),
            "photographer": "KAVEH RASTEGAR",
            "agency": "GULF PICTURES",
            "distributor": "AGENCIA NORTE",
            "caption_es": "Un petrolero atraca en una terminal del golfo al atardecer.",
            "caption_en": "A tanker docks at a Gulf terminal at sunset.",
            "alt_es": "La silueta de un gran barco petrolero junto a grúas portuarias.",
            "alt_en": "The silhouette of a large oil tanker beside port cranes.",
        },
        "es": {
            "headline": "Moscú y Teherán firman un corredor de gas que esquiva el estrecho",
            "standfirst": "El acuerdo prevé un gasoducto por el Caspio, aunque su "
            "financiación sigue sin cerrarse.",
            "dateline": "Teherán",
            "body": "<p>Los ministros de Energía de ambos países firmaron un memorando que "
            "describe un corredor de gas de 1.200 kilómetros.</p><p>Analistas del sector "
            "advierten de que proyectos similares se han anunciado antes sin llegar a "
            "construirse.</p><ul><li>Capacidad prevista: 20.000 millones de metros cúbicos al "
            "año.</li><li>Plazo: seis años.</li></ul>",
        },
        "en": {
            "headline": "Moscow and Tehran sign a gas corridor that avoids the strait",
            "standfirst": "The deal envisages a pipeline across the Caspian, though its "
            "financing is still not settled.",
            "dateline": "Tehran",
            "body": "<p>The two countries' energy ministers signed a memorandum describing a "
            "1,200-kilometre gas corridor.</p><p>Industry analysts warn that similar projects "
            "have been announced before without ever being built.</p><ul><li>Planned "
            "capacity: 20 billion cubic metres a year.</li><li>Timeline: six years.</li></ul>",
        },
    },
    {
        "section": "economia",
        "type": "analysis",
        "tags": ["comercio", "puertos"],
        "bylines": [("tomas-lindqvist", "Redactor de Economía")],
        "image": {
            "palette": ((20, 70, 80), (210, 90, 60)),
            "photographer": "RENATA SOUZA",
            "agency": "PRENSA SUR",
            "distributor": "",
            "caption_es": "Contenedores apilados en el puerto tras la reapertura.",
            "caption_en": "Containers stacked at the port after it reopened.",
            "alt_es": "Pilas de contenedores rojos y azules bajo un cielo nublado.",
            "alt_en": "Stacks of red and blue containers under a cloudy sky.",
        },
        "es": {
            "headline": "Los fletes marítimos bajan por primera vez en un año",
            "standfirst": "La reapertura de dos puertos clave alivia la presión sobre "
            "importadores latinoamericanos.",
            "dateline": "Santos",
            "body": "<p>El índice de fletes para contenedores cayó un 12 % en el último "
            "mes.</p><p>Los importadores esperan que la bajada llegue a los precios de "
            "consumo antes de final de año, aunque los economistas son prudentes.</p>",
        },
        "en": {
            "headline": "Shipping rates fall for the first time in a year",
            "standfirst": "The reopening of two key ports eases pressure on Latin American "
            "importers.",
            "dateline": "Santos",
            "body": "<p>The container freight index fell 12% in the past month.</p><p>"
            "Importers hope the drop will reach consumer prices before the end of the year, "
            "though economists are cautious.</p>",
        },
    },
    {
        "section": "internacional",
        "type": "interview",
        "tags": ["naciones-unidas", "refugiados"],
        "bylines": [("samira-haddad", "Editora de Oriente Próximo")],
        "image": {
            "palette": ((60, 60, 66), (180, 186, 190)),
            "photographer": "",
            "agency": "ARCHIVO ABIERTO",
            "distributor": "",
            "caption_es": "La enviada especial, durante la entrevista en Ginebra.",
            "caption_en": "The special envoy during the interview in Geneva.",
            "alt_es": "Una mujer habla sentada junto a una ventana con vistas a un lago.",
            "alt_en": "A woman speaks, seated by a window overlooking a lake.",
        },
        "es": {
            "headline": "«Los corredores humanitarios no pueden depender de la buena voluntad»",
            "standfirst": "La enviada especial para desplazados explica por qué pide un "
            "mecanismo vinculante.",
            "dateline": "Ginebra",
            "body": "<p><strong>¿Qué ha fallado en los últimos corredores?</strong></p><p>"
            "Se negociaron caso por caso, sin garantías. Cuando una parte cambió de opinión, "
            "no hubo consecuencias.</p><p><strong>¿Qué propone?</strong></p><p>Un registro "
            "público de compromisos y un equipo de verificación independiente.</p>",
        },
        "en": {
            "headline": "‘Humanitarian corridors cannot rely on goodwill’",
            "standfirst": "The special envoy for displaced people explains why she wants a "
            "binding mechanism.",
            "dateline": "Geneva",
            "body": "<p><strong>What went wrong with the last corridors?</strong></p><p>They "
            "were negotiated case by case, without guarantees. When one side changed its "
            "mind, nothing happened.</p><p><strong>What do you propose?</strong></p><p>A "
            "public register of commitments and an independent verification team.</p>",
        },
    },
    {
        "section": "americas",
        "type": "report",
        "tags": ["amazonia", "clima"],
        "bylines": [("lucia-ferrer", "Coordinadora de Américas")],
        "image": {
            "palette": ((18, 80, 40), (150, 200, 110)),
            "photographer": "JOÃO PEREIRA",
            "agency": "PRENSA SUR",
            "distributor": "AGENCIA NORTE",
            "caption_es": "Un río serpentea entre la selva desde el aire.",
            "caption_en": "A river winds through the rainforest, seen from the air.",
            "alt_es": "Vista aérea de un río marrón entre árboles de un verde intenso.",
            "alt_en": "Aerial view of a brown river between deep green trees.",
        },
        "es": {
            "headline": "Las comunidades ribereñas miden la sequía con sus propias reglas",
            "standfirst": "Una red de 40 aldeas registra a diario el nivel del río y lo "
            "comparte con científicos.",
            "dateline": "Manaos",
            "body": "<p>Cada mañana, a las seis, alguien baja al embarcadero con una regla "
            "pintada de rojo.</p><p>Los datos, enviados por radio, han permitido anticipar "
            "el aislamiento de varias comunidades con semanas de margen.</p>",
        },
        "en": {
            "headline": "River communities measure the drought by their own rules",
            "standfirst": "A network of 40 villages logs the river level every day and shares "
            "it with scientists.",
            "dateline": "Manaus",
            "body": "<p>Every morning at six, someone walks down to the jetty with a "
            "red-painted ruler.</p><p>The data, sent by radio, have made it possible to "
            "foresee the isolation of several communities weeks in advance.</p>",
        },
    },
    {
        "section": "europa",
        "type": "opinion",
        "tags": ["union-europea", "democracia"],
        "bylines": [("daniel-okafor", "Corresponsal en Bruselas")],
        "image": {
            "palette": ((70, 30, 60), (220, 170, 190)),
            "photographer": "ELENA MARKOVIĆ",
            "agency": "",
            "distributor": "",
            "caption_es": "El hemiciclo vacío la víspera del debate.",
            "caption_en": "The empty chamber on the eve of the debate.",
            "alt_es": "Filas de escaños vacíos en semicírculo bajo una luz tenue.",
            "alt_en": "Rows of empty seats in a semicircle under dim light.",
        },
        "es": {
            "headline": "Una Europa que explica sus decisiones",
            "standfirst": "La transparencia no es un lujo institucional: es la condición "
            "para que los ciudadanos acepten decisiones difíciles.",
            "dateline": "",
            "body": "<p>Las instituciones europeas toman cada año miles de decisiones que "
            "pocos ciudadanos llegan a conocer.</p><p>Publicar las actas a tiempo y en "
            "todas las lenguas costaría menos que la desconfianza que genera no hacerlo.</p>",
        },
        "en": {
            "headline": "A Europe that explains its decisions",
            "standfirst": "Transparency is no institutional luxury: it is what lets citizens "
            "accept hard decisions.",
            "dateline": "",
            "body": "<p>The European institutions take thousands of decisions a year that few "
            "citizens ever hear about.</p><p>Publishing the minutes on time and in every "
            "language would cost less than the distrust that not doing so breeds.</p>",
        },
    },
]
