"""The demo's content: organisations, chantiers, people, axes, studies, recommendation
titles, criteria, actions and the phrases progress updates are made of.

Everything here is illustrative: plausible for AluQuébec's chantiers, but no study,
figure or commitment is real. The study titles say so, and every recommendation text
carries ILLUSTRATIVE_NOTE.
"""

from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "aluquebec-demo"
ILLUSTRATIVE_NOTE = (
    "[Texte illustratif rédigé pour la démonstration : il ne cite aucune étude réelle.]"
)

# (name, acronym, kind, website). Websites only where they are well known.
ORGANISATIONS = [
    ("AluQuébec", "AluQuébec", "cluster", "https://www.aluquebec.com"),
    (
        "Centre québécois de recherche et de développement de l'aluminium",
        "CQRDA",
        "research",
        "https://www.cqrda.ca",
    ),
    ("Réseau Trans-Al", "Trans-Al", "network", ""),
    ("Société de la Vallée de l'aluminium", "SVA", "network", ""),
    ("Aéro Montréal", "Aéro Montréal", "other_cluster", "https://www.aeromontreal.ca"),
    ("Alliance Métal Québec", "AMQ", "other_cluster", ""),
    ("Ministère de l'Économie et de l'Innovation", "MEI", "ministry", ""),
    ("Propulsion Québec", "Propulsion Québec", "other_cluster", ""),
    ("Rio Tinto Aluminium", "Rio Tinto", "smelter", "https://www.riotinto.com"),
    ("Alcoa Canada", "Alcoa", "smelter", "https://www.alcoa.com"),
    ("Aluminerie Alouette", "Alouette", "smelter", ""),
    ("Aluminerie de Bécancour", "ABI", "smelter", ""),
    ("Centre de recherche sur l'aluminium REGAL", "REGAL", "research", ""),
    ("Centre des technologies de l'aluminium du CNRC", "CTA-CNRC", "research", ""),
    ("Centre de métallurgie du Québec", "CMQ", "research", ""),
    ("Investissement Québec", "IQ", "funder", ""),
    ("Développement économique Canada pour les régions du Québec", "DEC", "funder", ""),
    ("Syndicat des Métallos", "Métallos", "union", ""),
    ("STAS", "STAS", "supplier", ""),
]

# (code, name, status, start offset in days from today, end offset or None, lead acronym, mandate)
CHANTIERS = [
    (
        "aluminerie-avenir",
        "Aluminerie de l'avenir",
        "active",
        -420,
        900,
        "AluQuébec",
        "Prioriser les recommandations des études sur l'aluminerie de l'avenir, mobiliser "
        "les partenaires autour des priorités, rédiger et réaliser le plan d'action, et "
        "rendre compte de l'avancement au comité de suivi.",
    ),
    (
        "transformation-avancee",
        "Transformation et fabrication avancée",
        "active",
        -360,
        720,
        "AluQuébec",
        "Accroître la transformation de l'aluminium au Québec en appuyant la modernisation "
        "des PME de transformation et l'adoption des technologies de fabrication avancée.",
    ),
    (
        "construction-infrastructures",
        "Aluminium dans la construction et les infrastructures",
        "active",
        -300,
        800,
        "AluQuébec",
        "Faire de l'aluminium un matériau de choix pour les ponts, les passerelles et les "
        "bâtiments : normes, projets vitrines et formation des concepteurs.",
    ),
    (
        "transport-mobilite",
        "Transport et mobilité durable",
        "active",
        -240,
        900,
        "Propulsion Québec",
        "Allègement des véhicules électriques, des autobus et des remorques grâce à "
        "l'aluminium québécois à faible empreinte carbone.",
    ),
    (
        "economie-circulaire",
        "Économie circulaire et recyclage",
        "planned",
        60,
        1000,
        "SVA",
        "Structurer la récupération et la refonte de l'aluminium post-consommation au "
        "Québec (chantier en préparation).",
    ),
    (
        "marches-exportation",
        "Développement des marchés et exportation",
        "closed",
        -900,
        -120,
        "AluQuébec",
        "Aider les entreprises de la filière à diversifier leurs marchés d'exportation "
        "(chantier terminé).",
    ),
]

# username → (first name, last name, email organisation acronym)
# Roles are given in story.MEMBERSHIPS; admin is the only superuser.
USERS = {
    "admin": ("Sophie", "Tremblay", "AluQuébec"),
    "responsable": ("Isabelle", "Gagnon", "AluQuébec"),
    "comite": ("Marc-André", "Bouchard", "Rio Tinto"),
    "comite-2": ("Nathalie", "Côté", "CQRDA"),
    "charge": ("Julien", "Lavoie", "AluQuébec"),
    "charge-2": ("Olivier", "Pelletier", "AluQuébec"),
    "charge-autre": ("Émilie", "Roy", "AluQuébec"),
    "responsable-2": ("Geneviève", "Ouellet", "AluQuébec"),
}

# (username, chantier code, role, organisation acronym)
MEMBERSHIPS = [
    ("responsable", "aluminerie-avenir", "lead", "AluQuébec"),
    ("comite", "aluminerie-avenir", "committee", "Rio Tinto"),
    ("comite-2", "aluminerie-avenir", "committee", "CQRDA"),
    ("charge", "aluminerie-avenir", "staff", "AluQuébec"),
    ("charge-2", "aluminerie-avenir", "staff", "AluQuébec"),
    ("responsable-2", "transformation-avancee", "lead", "AluQuébec"),
    ("charge-autre", "transformation-avancee", "staff", "AluQuébec"),
    ("comite-2", "transformation-avancee", "committee", "CQRDA"),
    ("responsable-2", "construction-infrastructures", "lead", "AluQuébec"),
    ("responsable-2", "transport-mobilite", "lead", "AluQuébec"),
    ("responsable-2", "marches-exportation", "lead", "AluQuébec"),
]

# What the command prints at the end: (username, what they can do).
LOGINS = [
    ("admin", _("administrateur (superutilisateur)")),
    ("responsable", _("responsable du chantier Aluminerie de l'avenir")),
    ("comite", _("membre du comité de suivi")),
    ("comite-2", _("membre du comité de suivi (deuxième évaluatrice)")),
    ("charge", _("chargé de projet, responsable de plusieurs actions")),
    ("charge-2", _("chargé de projet")),
    ("charge-autre", _("chargée de projet d'un autre chantier (Transformation)")),
    ("responsable-2", _("responsable des autres chantiers")),
]

# (code, name, description)
AXES = [
    (
        "AUTO",
        "Automatisation et industrie 4.0",
        "Robotisation des opérations à risque, capteurs, jumeaux numériques et "
        "exploitation des données de procédé.",
    ),
    (
        "CYBER",
        "Cybersécurité",
        "Protection des systèmes de contrôle industriels et des données des alumineries "
        "et de leurs fournisseurs.",
    ),
    (
        "PROD",
        "Production responsable",
        "Certification ASI, gestion de l'eau, des émissions et des résidus, relations "
        "avec les communautés.",
    ),
    (
        "RECY",
        "Recyclage et valorisation",
        "Récupération des rebuts, alliages à contenu recyclé, valorisation des résidus "
        "(brasques, écumes).",
    ),
    (
        "TRAC",
        "Traçabilité",
        "Origine et empreinte carbone du métal suivies du lingot au produit fini.",
    ),
    (
        "RH",
        "Ressources humaines",
        "Attraction, formation et rétention de la main-d'œuvre ; transfert des savoirs.",
    ),
    (
        "ENER",
        "Énergie",
        "Efficacité énergétique des cuves et des procédés, gestion de la puissance.",
    ),
    (
        "DECA",
        "Décarbonation",
        "Anodes inertes, captage du carbone, électrification des équipements mobiles.",
    ),
    (
        "FIN",
        "Financement",
        "Leviers financiers publics et privés pour les projets de modernisation.",
    ),
]

# (key, title, authors, organisation acronym, year, reference)
STUDIES = [
    (
        "feuille",
        "Feuille de route de l'aluminerie de l'avenir (illustratif)",
        "Comité d'experts AluQuébec",
        "AluQuébec",
        2024,
        "Rapport de démonstration, 96 p.",
    ),
    (
        "numerique",
        "Maturité numérique et cybersécurité de la filière aluminium (illustratif)",
        "Équipe Industrie 4.0",
        "CQRDA",
        2023,
        "Diagnostic de démonstration, 74 p.",
    ),
    (
        "main-oeuvre",
        "Portrait de la main-d'œuvre de l'industrie de l'aluminium (illustratif)",
        "Réseau Trans-Al",
        "Trans-Al",
        2022,
        "Étude sectorielle de démonstration, 58 p.",
    ),
    (
        "carboneutre",
        "Vers une filière de l'aluminium carboneutre (illustratif)",
        "Groupe de travail Décarbonation",
        "REGAL",
        2024,
        "Étude de démonstration, 112 p.",
    ),
    (
        "circulaire",
        "Économie circulaire et traçabilité de l'aluminium (illustratif)",
        "Société de la Vallée de l'aluminium",
        "SVA",
        2023,
        "Étude de démonstration, 81 p.",
    ),
    (
        "sectoriels",
        "Diagnostics des chantiers sectoriels de la filière (illustratif)",
        "Équipe des chantiers AluQuébec",
        "AluQuébec",
        2022,
        "Recueil de démonstration, 140 p.",
    ),
]
# Which studies each axis's recommendations come from (alternating).
AXIS_STUDIES = {
    "AUTO": ["numerique", "feuille"],
    "CYBER": ["numerique"],
    "PROD": ["carboneutre", "circulaire"],
    "RECY": ["circulaire"],
    "TRAC": ["circulaire", "numerique"],
    "RH": ["main-oeuvre"],
    "ENER": ["feuille", "carboneutre"],
    "DECA": ["carboneutre"],
    "FIN": ["feuille"],
}

# 120 recommendation titles, in study order: codes R-001… follow this list.
RECOMMENDATIONS = {
    "AUTO": [
        "Déployer des véhicules autonomes pour le transport des anodes et du métal liquide",
        "Développer un jumeau numérique des salles de cuves pour optimiser le procédé",
        "Robotiser les opérations de changement d'anodes les plus exposées",
        "Instrumenter les cuves d'électrolyse avec des capteurs sans fil",
        "Mettre en place une plateforme commune d'analytique des données de procédé",
        "Soutenir la démonstration en usine des technologies des équipementiers québécois",
        "Créer une vitrine technologique de l'aluminerie 4.0 ouverte aux PME",
        "Utiliser l'intelligence artificielle pour la maintenance prédictive des équipements critiques",
        "Automatiser le contrôle de la qualité des lingots par vision artificielle",
        "Établir une feuille de route numérique commune aux alumineries du Québec",
        "Standardiser les protocoles de communication des équipements de salle de cuves",
        "Accompagner les PME de transformation dans l'adoption de la robotique collaborative",
        "Développer des outils de réalité augmentée pour la formation et la maintenance",
        "Mutualiser les données de procédé entre alumineries pour la recherche appliquée",
    ],
    "CYBER": [
        "Réaliser un diagnostic de cybersécurité des systèmes de contrôle industriels de chaque aluminerie",
        "Créer un centre d'expertise partagé en cybersécurité industrielle",
        "Offrir aux PME fournisseurs un programme de sensibilisation à la cybersécurité",
        "Segmenter les réseaux industriels des réseaux de gestion dans toutes les usines",
        "Organiser un exercice régional de simulation de cyberincident",
        "Adopter la norme CEI 62443 comme référence commune pour les systèmes de contrôle",
        "Exiger des clauses de cybersécurité dans les contrats d'équipements connectés",
        "Former des spécialistes en cybersécurité des technologies opérationnelles au Québec",
        "Mettre en place un mécanisme de partage des menaces entre industriels de la filière",
        "Établir des plans de continuité des opérations en cas de cyberattaque",
        "Créer un service mutualisé de surveillance de la cybersécurité pour les PME",
        "Inventorier les équipements connectés et leurs vulnérabilités connues",
        "Intégrer la cybersécurité aux programmes de formation technique en électromécanique",
    ],
    "PROD": [
        "Accompagner les PME de la chaîne de valeur vers la certification ASI",
        "Réaliser un bilan régional de la gestion de l'eau des sites industriels",
        "Publier un guide de bonnes pratiques de relations avec les communautés",
        "Réduire les émissions de fluorures et de HAP des salles de cuves",
        "Harmoniser la divulgation des indicateurs ESG des entreprises de la filière",
        "Réaliser l'analyse du cycle de vie des principaux produits d'aluminium québécois",
        "Mettre en valeur l'aluminium responsable québécois auprès des acheteurs internationaux",
        "Réduire et valoriser les résidus de bauxite",
        "Améliorer la qualité de l'air autour des sites industriels par un suivi en continu",
        "Intégrer des critères de production responsable aux appels d'offres publics",
        "Soutenir la participation des Premières Nations aux projets de la filière",
        "Élaborer un programme de restauration des sites industriels fermés",
        "Accompagner les transformateurs vers la certification ASI de chaîne de traçabilité",
    ],
    "RECY": [
        "Établir un portrait du gisement de rebuts d'aluminium au Québec",
        "Déployer le tri des alliages par spectroscopie LIBS dans les centres de récupération",
        "Développer une filière de valorisation des brasques usées",
        "Créer un marché d'échange des résidus de production entre entreprises",
        "Structurer la collecte sélective des canettes et profilés post-consommation",
        "Favoriser l'utilisation d'aluminium recyclé dans les ouvrages d'infrastructure publics",
        "Valoriser les écumes d'aluminium dans de nouveaux produits",
        "Développer des alliages à haute teneur en métal recyclé pour l'automobile",
        "Soutenir l'implantation d'une fonderie de refusion au Québec",
        "Concevoir les produits pour faciliter leur démontage et leur recyclage",
        "Mesurer le contenu recyclé des produits selon une méthode commune",
        "Développer des débouchés pour le métal recyclé auprès des transformateurs",
        "Cartographier les flux de rebuts entre les transformateurs et les refondeurs",
    ],
    "TRAC": [
        "Développer un passeport numérique du produit aluminium",
        "Établir un référentiel commun de calcul de l'empreinte carbone par lot de métal",
        "Assurer l'interopérabilité des systèmes de traçabilité entre fournisseurs et clients",
        "Tester la chaîne de blocs pour certifier l'origine du métal",
        "Marquer les lingots et les billettes pour un suivi de bout en bout",
        "Aligner la traçabilité québécoise sur le mécanisme européen d'ajustement carbone aux frontières",
        "Former les PME à la gestion des données de traçabilité",
        "Créer un registre québécois de l'aluminium à faible empreinte carbone",
        "Intégrer la traçabilité aux exigences des donneurs d'ordre de l'aéronautique",
        "Mettre en place une vérification indépendante des déclarations environnementales de produit",
        "Développer un étiquetage carbone lisible pour les acheteurs",
        "Partager les données de traçabilité avec les recycleurs pour faciliter le tri",
        "Définir un format d'échange commun pour les déclarations d'empreinte carbone",
    ],
    "RH": [
        "Lancer une campagne d'attraction sur les métiers de l'aluminium",
        "Développer l'apprentissage en milieu de travail en électromécanique",
        "Créer une plateforme de transfert des savoirs des travailleurs expérimentés",
        "Offrir une formation continue en automatisation aux opérateurs",
        "Élaborer une stratégie d'accueil et d'intégration des travailleurs immigrants",
        "Accroître la présence des femmes dans les métiers techniques de l'aluminium",
        "Adapter les horaires de travail pour favoriser la rétention du personnel",
        "Créer des passerelles de formation entre les cégeps et les entreprises",
        "Reconnaître les acquis et les compétences des travailleurs expérimentés",
        "Développer les compétences en gestion des données des techniciens",
        "Mettre en commun les besoins de main-d'œuvre des PME de la transformation",
        "Promouvoir les carrières de l'aluminium auprès des élèves du secondaire",
        "Former les superviseurs de premier niveau à la gestion du changement technologique",
        "Soutenir le logement des travailleurs dans les régions productrices",
    ],
    "ENER": [
        "Réaliser un audit énergétique des équipements auxiliaires des alumineries",
        "Récupérer la chaleur des gaz de cuves pour des usages industriels ou urbains",
        "Mettre en place un programme de gestion de la puissance en période de pointe",
        "Moderniser les redresseurs et les systèmes d'alimentation électrique",
        "Optimiser la conception des cuves pour réduire la consommation spécifique",
        "Implanter des systèmes de gestion de l'énergie conformes à la norme ISO 50001",
        "Évaluer le stockage d'énergie sur les sites industriels",
        "Convertir les fours de traitement thermique à l'électricité",
        "Partager les données de consommation énergétique entre sites pour l'étalonnage",
        "Négocier un cadre tarifaire favorable aux projets d'efficacité énergétique",
        "Former des gestionnaires de l'énergie dans les PME de transformation",
        "Évaluer l'hydrogène vert pour les procédés à haute température",
        "Soutenir la recherche sur les cuves à faible consommation",
    ],
    "DECA": [
        "Accélérer les essais d'anodes inertes avec les centres de recherche",
        "Électrifier les véhicules et équipements mobiles des salles de cuves",
        "Étudier la faisabilité du captage du CO2 sur les centres de carbone",
        "Élaborer une feuille de route de décarbonation des fournisseurs",
        "Remplacer le gaz naturel dans les fours de coulée",
        "Réduire les émissions de perfluorocarbures par un meilleur contrôle des effets d'anode",
        "Développer des anodes à faible teneur en soufre",
        "Privilégier le transport ferroviaire et maritime à faibles émissions pour le métal",
        "Établir une cible sectorielle de carboneutralité pour 2050",
        "Financer les démonstrateurs de technologies de rupture en électrolyse",
        "Évaluer l'utilisation de biocarburants pour les équipements lourds",
        "Documenter les réductions d'émissions pour les marchés du carbone",
        "Accompagner les PME dans la mesure de leurs émissions de portée 3",
        "Mettre en place des essais industriels d'anodes inertes en salle de cuves",
    ],
    "FIN": [
        "Dresser un répertoire des programmes de financement pour la modernisation",
        "Créer un guichet d'accompagnement des projets auprès des bailleurs de fonds",
        "Constituer un fonds d'amorçage pour les projets collaboratifs",
        "Produire un tableau de bord des investissements du chantier",
        "Adapter les mesures fiscales aux investissements en automatisation",
        "Mobiliser le capital de risque autour des jeunes pousses de l'aluminium",
        "Prévoir un volet aluminium dans les programmes fédéraux de décarbonation",
        "Faciliter l'accès des PME aux garanties de prêt pour l'équipement",
        "Coordonner les demandes de financement des partenaires pour éviter les doublons",
        "Évaluer la rentabilité des projets selon un prix du carbone de référence",
        "Créer un programme de prêts pour l'efficacité énergétique des transformateurs",
        "Attirer des investissements étrangers dans la transformation de l'aluminium",
        "Documenter les retombées économiques des projets financés",
    ],
}

# Sentences that make up the verbatim texts: why the axis matters (one is picked per
# recommendation), then how to go about it.
AXIS_CONTEXT = {
    "AUTO": [
        "Les opérations en salle de cuves exposent encore les travailleurs à la chaleur, aux champs magnétiques et aux poussières.",
        "Les données de procédé sont abondantes mais rarement exploitées au-delà du contrôle en temps réel.",
        "Les équipementiers québécois ont une expertise exportable s'ils peuvent la démontrer en usine.",
    ],
    "CYBER": [
        "La convergence des réseaux industriels et de gestion expose les systèmes de contrôle à des menaces nouvelles.",
        "Les PME fournisseurs sont souvent le maillon le plus vulnérable de la chaîne d'approvisionnement.",
        "Un arrêt imprévu d'une salle de cuves coûte plusieurs millions de dollars et peut endommager les cuves.",
    ],
    "PROD": [
        "Les acheteurs internationaux exigent des preuves de production responsable tout au long de la chaîne.",
        "L'acceptabilité sociale des projets dépend de la transparence envers les communautés voisines.",
        "Les exigences réglementaires en environnement se resserrent pour l'ensemble de la filière.",
    ],
    "RECY": [
        "Une part importante des rebuts d'aluminium quitte le Québec pour être refondue ailleurs.",
        "Le métal recyclé consomme une fraction de l'énergie requise pour produire du métal primaire.",
        "Plusieurs résidus de production sont encore enfouis faute de débouchés structurés.",
    ],
    "TRAC": [
        "Les marchés d'exportation demandent de plus en plus la preuve de l'empreinte carbone du métal livré.",
        "Les données d'origine se perdent souvent entre le lingot et le produit fini.",
        "L'avantage carbone de l'aluminium québécois ne se valorise que s'il est démontré de façon crédible.",
    ],
    "RH": [
        "Les départs à la retraite des prochaines années toucheront des postes clés des alumineries.",
        "Les entreprises peinent à recruter en région, en particulier dans les métiers techniques.",
        "L'automatisation transforme les compétences attendues des opérateurs et des techniciens.",
    ],
    "ENER": [
        "L'électricité représente une part majeure du coût de production de l'aluminium primaire.",
        "La disponibilité de la puissance en période de pointe devient un enjeu pour le réseau.",
        "Des gisements d'économies subsistent dans les équipements auxiliaires et les procédés de transformation.",
    ],
    "DECA": [
        "Les émissions du procédé proviennent surtout de la consommation des anodes de carbone.",
        "La filière vise la carboneutralité, ce qui suppose des technologies de rupture et leur démonstration.",
        "Les équipements mobiles au diesel restent une source d'émissions facile à cibler.",
    ],
    "FIN": [
        "Les projets de modernisation exigent des investissements que les PME peinent à financer seules.",
        "Les programmes d'aide sont nombreux mais dispersés entre plusieurs bailleurs.",
        "Les partenaires gagneraient à coordonner leurs demandes pour présenter des projets structurants.",
    ],
}
HOW_TO = [
    "La mise en œuvre devrait commencer par un projet pilote dans au moins une aluminerie avant un déploiement élargi.",
    "Un horizon de 24 à 36 mois est jugé réaliste, avec une évaluation à mi-parcours.",
    "Les PME de la chaîne d'approvisionnement devraient être associées dès la conception.",
    "Des indicateurs de suivi devraient être définis dès le départ et présentés au comité.",
    "Le financement pourrait combiner programmes publics et contributions des industriels.",
    "Les centres de recherche du Québec disposent de l'expertise nécessaire pour accompagner la démarche.",
]

# Merges decided at the first meeting: source code → target code (near-duplicates).
MERGES = {
    "R-014": "R-005",
    "R-025": "R-016",
    "R-040": "R-028",
    "R-053": "R-041",
    "R-066": "R-055",
    "R-078": "R-067",
    "R-107": "R-094",
}
# Transfers to other chantiers: code → (chantier code, justification).
TRANSFERS = {
    "R-045": (
        "economie-circulaire",
        "Relève du futur chantier Économie circulaire et recyclage, qui portera la collecte.",
    ),
    "R-046": (
        "construction-infrastructures",
        "Relève du chantier Construction et infrastructures, responsable des ouvrages publics.",
    ),
}
# Tier overrides at the first meeting: (tier imposed, on a retained recommendation whose
# computed tier is this one, committee's justification).
TIER_OVERRIDES = [
    (
        "P1",
        "P2",
        "Exigence des assureurs et des clients : le comité relève la priorité malgré un score moyen.",
    ),
    (
        "P3",
        "P2",
        "Dépend des résultats d'une autre action : le comité l'abaisse en P3 pour l'instant.",
    ),
]
NOT_RETAINED_REASONS = [
    "Hors du mandat du chantier : relève des politiques fédérales.",
    "Coût disproportionné par rapport à l'impact attendu (ronde 1).",
    "Déjà couverte par une initiative existante d'un partenaire.",
    "Technologie jugée trop peu mature à l'horizon du plan d'action.",
    "Faible intérêt des partenaires lors des consultations.",
]
POSTPONED_REASONS = [
    "À réexaminer après les résultats des projets pilotes.",
    "Reportée au prochain plan d'action, faute de ressources.",
    "Dépend d'une décision réglementaire attendue l'an prochain.",
    "Le comité souhaite d'abord consolider les actions en cours.",
]
RETAINED_REASON = "Retenue par le comité sur la base de la ronde de priorisation."

CRITERIA = [
    # (code, name, weight, direction, rubric lines 1→5)
    (
        "impact",
        "Impact",
        "3",
        "higher",
        [
            "Effet marginal, limité à un site",
            "Effet modeste sur quelques entreprises",
            "Effet notable sur une partie de la filière",
            "Effet important sur la majorité de la filière",
            "Effet structurant pour toute la filière québécoise",
        ],
    ),
    (
        "faisabilite",
        "Faisabilité",
        "2",
        "higher",
        [
            "Obstacles techniques ou réglementaires majeurs",
            "Faisable à long terme, nombreuses inconnues",
            "Faisable avec un effort important",
            "Faisable avec les moyens existants",
            "Réalisable rapidement, savoir-faire disponible",
        ],
    ),
    (
        "cout",
        "Coût",
        "1.5",
        "lower",
        [
            "Moins de 100 000 $",
            "100 000 $ à 500 000 $",
            "500 000 $ à 2 M$",
            "2 M$ à 10 M$",
            "Plus de 10 M$",
        ],
    ),
    (
        "urgence",
        "Urgence",
        "1.5",
        "higher",
        [
            "Peut attendre plus de cinq ans",
            "À lancer d'ici trois à cinq ans",
            "À lancer d'ici deux ans",
            "À lancer dans l'année",
            "Retard déjà pénalisant, à lancer immédiatement",
        ],
    ),
    (
        "alignement",
        "Alignement stratégique",
        "1",
        "higher",
        [
            "Sans lien avec la stratégie de la filière",
            "Lien indirect",
            "Contribue à un objectif de la stratégie",
            "Contribue à plusieurs objectifs",
            "Au cœur de la stratégie québécoise de l'aluminium",
        ],
    ),
    (
        "mobilisation",
        "Mobilisation des partenaires",
        "1",
        "higher",
        [
            "Aucun partenaire intéressé",
            "Intérêt exprimé par un partenaire",
            "Quelques partenaires prêts à s'engager",
            "Plusieurs partenaires engagés, dont un bailleur",
            "Consortium déjà constitué",
        ],
    ),
]
RATIONALES = {
    "impact": [
        "Touche directement la sécurité des opérateurs.",
        "Bénéfice surtout pour les grandes entreprises.",
        "Effet d'entraînement attendu sur les PME.",
    ],
    "faisabilite": [
        "Technologie éprouvée ailleurs.",
        "Dépend d'un partenaire encore à convaincre.",
        "Exige des essais en usine pendant les arrêts.",
    ],
    "cout": [
        "Investissement lourd en équipements.",
        "Surtout des ressources humaines.",
        "Coûts partageables entre plusieurs sites.",
    ],
    "urgence": [
        "Exigence des marchés dès l'an prochain.",
        "Peut suivre les projets pilotes.",
        "Fenêtre de financement ouverte cette année.",
    ],
    "alignement": ["Cœur de la feuille de route.", "Lien indirect avec la stratégie."],
    "mobilisation": ["Trois partenaires déjà intéressés.", "Aucun porteur identifié à ce jour."],
}

# The action plan: (code, axis, title, owner, profile, start days ago, duration days,
# planned budget in k$, lead organisation). Profiles are explained in progress.py.
ACTIONS = [
    (
        "A-01",
        "AUTO",
        "Pilote de véhicule autonome pour le transport des anodes",
        "charge",
        "on_track",
        300,
        560,
        850,
        "Rio Tinto",
    ),
    (
        "A-02",
        "AUTO",
        "Jumeau numérique d'une salle de cuves : preuve de concept",
        "charge-2",
        "at_risk",
        290,
        420,
        620,
        "CQRDA",
    ),
    (
        "A-03",
        "AUTO",
        "Vitrine technologique des équipementiers québécois",
        "responsable",
        "done",
        320,
        190,
        120,
        "AluQuébec",
    ),
    (
        "A-04",
        "AUTO",
        "Feuille de route de l'analytique de procédé partagée",
        "charge",
        "stale",
        280,
        400,
        90,
        "CQRDA",
    ),
    (
        "A-05",
        "CYBER",
        "Diagnostic de cybersécurité OT dans trois alumineries",
        "charge-2",
        "done",
        320,
        150,
        240,
        "CQRDA",
    ),
    (
        "A-06",
        "CYBER",
        "Centre d'expertise partagé en cybersécurité industrielle",
        "charge",
        "late",
        310,
        290,
        480,
        "AluQuébec",
    ),
    (
        "A-07",
        "CYBER",
        "Programme de sensibilisation à la cybersécurité des PME fournisseurs",
        "charge-2",
        "on_track",
        250,
        480,
        150,
        "AMQ",
    ),
    (
        "A-08",
        "CYBER",
        "Exercice régional de simulation de cyberincident",
        "responsable",
        "not_started",
        20,
        200,
        60,
        "AluQuébec",
    ),
    (
        "A-09",
        "PROD",
        "Accompagnement des PME vers la certification ASI",
        "charge-2",
        "on_track",
        270,
        520,
        210,
        "SVA",
    ),
    (
        "A-10",
        "PROD",
        "Bilan régional de la gestion de l'eau des sites",
        "charge",
        "stale",
        260,
        330,
        75,
        "SVA",
    ),
    (
        "A-11",
        "PROD",
        "Guide de bonnes pratiques de relations avec les communautés",
        "responsable",
        "done",
        300,
        170,
        45,
        "AluQuébec",
    ),
    (
        "A-12",
        "RECY",
        "Étude de gisement des rebuts d'aluminium post-consommation",
        "charge",
        "done",
        315,
        140,
        110,
        "CMQ",
    ),
    (
        "A-13",
        "RECY",
        "Pilote de tri des alliages par spectroscopie LIBS",
        "charge-2",
        "on_track",
        230,
        500,
        540,
        "CMQ",
    ),
    (
        "A-14",
        "RECY",
        "Filière de valorisation des brasques usées",
        "charge",
        "blocked",
        240,
        540,
        700,
        "REGAL",
    ),
    (
        "A-15",
        "RECY",
        "Marché d'échange des résidus de production",
        "charge-2",
        "cancelled",
        280,
        360,
        80,
        "SVA",
    ),
    (
        "A-16",
        "TRAC",
        "Passeport numérique du produit aluminium : prototype",
        "charge",
        "at_risk",
        260,
        430,
        390,
        "AluQuébec",
    ),
    (
        "A-17",
        "TRAC",
        "Référentiel commun d'empreinte carbone par lot",
        "charge-2",
        "on_track",
        250,
        380,
        160,
        "CQRDA",
    ),
    (
        "A-18",
        "TRAC",
        "Interopérabilité des systèmes de traçabilité des fournisseurs",
        "responsable",
        "late",
        300,
        270,
        220,
        "AMQ",
    ),
    (
        "A-19",
        "RH",
        "Campagne d'attraction « Métiers de l'aluminium »",
        "charge-2",
        "done",
        310,
        220,
        180,
        "Trans-Al",
    ),
    (
        "A-20",
        "RH",
        "Apprentissage en milieu de travail en électromécanique",
        "charge",
        "on_track",
        280,
        600,
        320,
        "Trans-Al",
    ),
    (
        "A-21",
        "RH",
        "Plateforme de transfert des savoirs des travailleurs expérimentés",
        "charge-2",
        "stale",
        270,
        420,
        140,
        "Trans-Al",
    ),
    (
        "A-22",
        "RH",
        "Formation continue en automatisation pour les opérateurs",
        "charge",
        "on_track",
        220,
        450,
        260,
        "Trans-Al",
    ),
    (
        "A-23",
        "RH",
        "Stratégie d'accueil et d'intégration des travailleurs immigrants",
        "responsable",
        "at_risk",
        200,
        330,
        95,
        "SVA",
    ),
    (
        "A-24",
        "ENER",
        "Audit énergétique des équipements auxiliaires",
        "charge-2",
        "done",
        318,
        110,
        130,
        "ABI",
    ),
    (
        "A-25",
        "ENER",
        "Pilote de récupération de chaleur des gaz de cuves",
        "charge",
        "on_track",
        240,
        520,
        900,
        "Alouette",
    ),
    (
        "A-26",
        "ENER",
        "Programme de gestion de la puissance en période de pointe",
        "charge-2",
        "late",
        290,
        250,
        70,
        "AluQuébec",
    ),
    (
        "A-27",
        "DECA",
        "Banc d'essai d'anodes inertes avec les centres de recherche",
        "responsable",
        "on_track",
        305,
        700,
        1500,
        "REGAL",
    ),
    (
        "A-28",
        "DECA",
        "Électrification des véhicules de salle de cuves",
        "charge",
        "on_track",
        210,
        480,
        1100,
        "Alcoa",
    ),
    (
        "A-29",
        "DECA",
        "Étude de faisabilité du captage de CO2 sur les centres de carbone",
        "charge-2",
        "stale",
        250,
        380,
        260,
        "CTA-CNRC",
    ),
    (
        "A-30",
        "DECA",
        "Feuille de route de décarbonation des fournisseurs",
        "charge",
        "not_started",
        25,
        300,
        85,
        "AluQuébec",
    ),
    (
        "A-31",
        "FIN",
        "Répertoire des programmes de financement pour la modernisation",
        "charge-2",
        "done",
        320,
        90,
        25,
        "AluQuébec",
    ),
    (
        "A-32",
        "FIN",
        "Guichet d'accompagnement des projets auprès des bailleurs",
        "responsable",
        "on_track",
        290,
        600,
        180,
        "AluQuébec",
    ),
    (
        "A-33",
        "FIN",
        "Montage d'un fonds d'amorçage pour les projets collaboratifs",
        "charge",
        "at_risk",
        230,
        400,
        60,
        "IQ",
    ),
    (
        "A-34",
        "FIN",
        "Tableau de bord des investissements du chantier",
        "charge-2",
        "on_track",
        150,
        300,
        40,
        "AluQuébec",
    ),
]
# Actions added after the plan was first drafted, by a "new action" decision: code → meeting number.
ACTIONS_ADDED_AT_MEETING = {"A-34": 3, "A-23": 2}

# Organisations an axis's actions draw their partners from.
AXIS_PARTNERS = {
    "AUTO": ["CQRDA", "CTA-CNRC", "STAS", "Rio Tinto", "Alcoa", "MEI"],
    "CYBER": ["AMQ", "Alouette", "ABI", "MEI", "Trans-Al"],
    "PROD": ["SVA", "Alcoa", "Alouette", "Métallos", "MEI"],
    "RECY": ["CMQ", "REGAL", "SVA", "AMQ", "IQ"],
    "TRAC": ["CQRDA", "Aéro Montréal", "AMQ", "Rio Tinto", "DEC"],
    "RH": ["Trans-Al", "Métallos", "SVA", "Aéro Montréal", "MEI"],
    "ENER": ["REGAL", "Rio Tinto", "ABI", "IQ"],
    "DECA": ["REGAL", "CTA-CNRC", "Rio Tinto", "Alcoa", "DEC"],
    "FIN": ["IQ", "DEC", "MEI", "SVA"],
}
CONTACTS = [
    "Marie Bélanger, directrice R-D",
    "François Girard, conseiller en innovation",
    "Annie Fortin, chargée de programmes",
    "Patrick Morin, directeur d'usine",
    "Caroline Dubé, ingénieure principale",
    "Luc Simard, conseiller syndical",
    "Karine Boucher, directrice du développement",
    "Stéphane Leblanc, analyste principal",
]
IN_KIND = [
    "Accès à une salle de cuves pendant les essais",
    "Prêt d'équipements de mesure",
    "Locaux et logistique des ateliers",
    "Données d'exploitation anonymisées",
]
PEOPLE = [
    "120 heures d'expertise technique",
    "Un ingénieur à mi-temps pendant six mois",
    "Deux chercheurs et un stagiaire",
    "Animation de trois ateliers",
]

MILESTONES = [
    (20, "Charte de projet approuvée"),
    (50, "Livrable intermédiaire présenté au comité"),
    (80, "Essais ou déploiement pilote terminés"),
    (100, "Rapport final déposé"),
]

# (name, unit, baseline, target, action code or None, trend per month towards target)
INDICATORS = [
    ("Émissions de GES du procédé", "t CO2e/t Al", "2.10", "1.60", None),
    ("Employés formés en cybersécurité industrielle", "personnes", "0", "450", "A-07"),
    ("PME fournisseurs certifiées ASI", "entreprises", "3", "20", "A-09"),
    ("Taux de récupération des rebuts internes", "%", "62", "85", None),
    ("Consommation d'énergie spécifique", "kWh/kg Al", "13.40", "12.90", "A-25"),
    ("Apprentis en milieu de travail", "apprentis", "0", "60", "A-20"),
    ("Financement externe obtenu", "M$", "0", "25", "A-32"),
]

# Progress update phrases, by situation.
COMMENTS_PROGRESS = [
    "Rencontre de démarrage tenue avec les partenaires.",
    "Charte de projet approuvée par le comité directeur.",
    "Appel de propositions lancé auprès des fournisseurs.",
    "Analyse des besoins terminée dans deux usines.",
    "Premier livrable remis et commenté par les partenaires.",
    "Visite de site réalisée ; relevés complétés.",
    "Essais en cours sur le site pilote.",
    "Rapport d'étape transmis au comité.",
    "Entente de collaboration signée avec le centre de recherche.",
    "Atelier de co-conception tenu avec les PME.",
    "Données de référence collectées et validées.",
    "Plan de communication validé.",
    "Résultats préliminaires encourageants.",
    "Recrutement de la ressource de projet complété.",
    "Sous-traitant retenu ; travaux commencés.",
    "Calendrier révisé et confirmé avec les partenaires.",
    "Deuxième phase lancée après validation de la première.",
    "Présentation aux directions d'usine bien reçue.",
]
COMMENTS_AT_RISK = [
    "Retard de livraison d'un équipement clé.",
    "Disponibilité limitée des experts du partenaire.",
    "Budget sous pression : soumissions plus élevées que prévu.",
    "Mobilisation des PME plus lente que prévu.",
]
BLOCKERS = [
    "Attente de la confirmation du financement.",
    "Accès au site suspendu pendant l'arrêt planifié.",
    "Entente de partage de données non signée.",
    "Autorisation environnementale en attente.",
]
COMMENTS_LATE = [
    "Échéance dépassée : livrable final reporté de deux mois.",
    "Retard cumulé sur la phase de déploiement ; nouvelle échéance à confirmer.",
]
COMMENTS_BLOCKED = [
    "Travaux suspendus : entente de propriété intellectuelle à renégocier.",
    "Bloquée en attente d'une autorisation réglementaire.",
]
COMMENTS_DONE = [
    "Livrable final accepté par le comité ; action terminée.",
    "Rapport final déposé et diffusé aux partenaires.",
]
COMMENT_CANCELLED = "Action annulée : aucun partenaire n'est en mesure de porter le projet."
COMMENT_SETBACK = "Réévaluation de la portée : une partie des essais est à reprendre."
COMMENT_NOTHING_NEW = "Rien de nouveau depuis la dernière mise à jour."
COMMENT_NOT_STARTED = "Démarrage prévu au prochain trimestre ; ressources en cours de confirmation."
COMMENT_PLANNED = "En préparation : démarrage prévu le {date}."
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

# Smaller stories for the other active or closed chantiers:
# code → (axes [(code, name)], recommendation titles, actions [(title, profile)])
OTHER_CHANTIERS = {
    "transformation-avancee": (
        [("FAB", "Fabrication avancée"), ("PME", "Croissance des PME"), ("INN", "Innovation")],
        [
            "Soutenir l'acquisition de cellules de soudage robotisées par les PME",
            "Créer un réseau d'essais pour l'extrusion de profilés complexes",
            "Développer la fabrication additive de pièces en aluminium",
            "Offrir des diagnostics de productivité aux transformateurs",
            "Former les concepteurs au design pour l'aluminium",
            "Mutualiser l'achat de billettes entre petites entreprises",
            "Accompagner les PME vers l'exportation de composants",
            "Développer des procédés d'anodisation à faible impact",
            "Créer une banque de stages en transformation de l'aluminium",
            "Soutenir la certification aéronautique des ateliers d'usinage",
            "Encourager les projets collaboratifs entre transformateurs et centres de recherche",
            "Documenter les besoins en alliages de spécialité",
        ],
        [
            ("Diagnostics de productivité dans dix PME", "on_track"),
            ("Cellule de démonstration de soudage robotisé", "at_risk"),
            ("Formation au design pour l'aluminium", "done"),
            ("Réseau d'essais en extrusion", "stale"),
            ("Banque de stages en transformation", "on_track"),
        ],
    ),
    "construction-infrastructures": (
        [("NORM", "Normes et codes"), ("VITR", "Projets vitrines")],
        [
            "Faire reconnaître les tabliers de pont en aluminium dans les normes provinciales",
            "Réaliser une passerelle piétonne vitrine en aluminium",
            "Former les ingénieurs en structure au calcul des ouvrages en aluminium",
            "Comparer le coût sur le cycle de vie des ponts en aluminium et en acier",
            "Développer des garde-corps en aluminium pour les ouvrages routiers",
            "Créer un guide de conception de façades en aluminium",
            "Sensibiliser les donneurs d'ouvrage municipaux",
            "Soutenir les essais de fatigue des assemblages soudés",
            "Intégrer l'aluminium aux programmes de rénovation des infrastructures",
        ],
        [
            ("Guide de conception des tabliers en aluminium", "on_track"),
            ("Passerelle vitrine : étude préliminaire", "late"),
            ("Formation des ingénieurs en structure", "done"),
        ],
    ),
    "transport-mobilite": (
        [("ALLE", "Allègement des véhicules"), ("CHAI", "Chaîne d'approvisionnement")],
        [
            "Développer des caissons de batteries en aluminium pour les véhicules lourds",
            "Alléger les remorques routières grâce à l'aluminium extrudé",
            "Qualifier l'aluminium québécois auprès des constructeurs d'autobus",
            "Soutenir les essais de collision des structures en aluminium",
            "Structurer une chaîne d'approvisionnement locale pour l'électrification",
            "Développer des jantes en alliage recyclé",
            "Former les carrossiers à la réparation des structures en aluminium",
            "Évaluer le gain énergétique de l'allègement des véhicules électriques",
        ],
        [
            ("Prototype de caisson de batterie pour autobus", "on_track"),
            ("Cartographie des fournisseurs pour l'électrification", "on_track"),
            ("Essais de remorques allégées", "not_started"),
        ],
    ),
    "marches-exportation": (
        [("EXP", "Exportation"), ("VEIL", "Veille des marchés")],
        [
            "Organiser des missions commerciales conjointes aux États-Unis",
            "Créer une veille sur les tarifs et les mesures commerciales",
            "Accompagner les PME dans la conformité aux règles d'origine",
            "Promouvoir l'aluminium québécois dans les salons internationaux",
            "Développer un répertoire des fournisseurs exportateurs",
            "Soutenir la traduction des documents techniques",
            "Mettre en place un service d'information sur les marchés européens",
        ],
        [
            ("Missions commerciales conjointes", "done"),
            ("Veille sur les mesures commerciales", "done"),
            ("Répertoire des fournisseurs exportateurs", "cancelled"),
        ],
    ),
}
