"""Welsh for what the national site shows from the shared library: three stories, their
themes and the coalition's members, by English segment. Names of people and organisations
stay as they are, except where the organisation has its own Welsh name."""

FOUNDING_CY = "un o aelodau sefydlu’r Glymblaid Cysylltiad."

THEMES_CY = {
    "Mutual aid": "Cyd-gymorth",
    "Volunteering": "Gwirfoddoli",
    "Friendship": "Cyfeillgarwch",
    "Older people": "Pobl hŷn",
    "Health and wellbeing": "Iechyd a lles",
    "Kindness": "Caredigrwydd",
}

STORIES_CY = {
    "Orla and Jean: a friendly wave through the window": "Orla a Jean: codi llaw’n gyfeillgar "
    "drwy’r ffenest",
    "I phoned Jean and she sounded cut off from the world, so I called over to give a friendly "
    "wave through the window and left a (sanitised) book.": "Ffoniais i Jean ac roedd hi’n swnio "
    "fel petai wedi’i thorri i ffwrdd o’r byd, felly es i draw i godi llaw’n gyfeillgar drwy’r "
    "ffenest a gadael llyfr (wedi’i ddiheintio).",
    "Orla and Jean are friends through the work of North London Cares.": "Mae Orla a Jean yn "
    "ffrindiau drwy waith North London Cares.",
    "neighbour": "cymdoges",
    "London": "Llundain",
    "Orla waving to her friend Jean through a window, a book left on the sill": "Orla yn codi "
    "llaw ar ei ffrind Jean drwy ffenest, a llyfr wedi’i adael ar sil y ffenest",
    "Zak: why not give back?": "Zak: beth am roi rhywbeth yn ôl?",
    "I thought like the community needs me. I'm well, I'm healthy. Why not give back those that "
    "need it the most?": "Meddyliais i, mae’r gymuned fy angen i. Dw i’n iawn, dw i’n iach. Beth "
    "am roi rhywbeth yn ôl i’r rhai sydd ei angen fwyaf?",
    "Zak volunteers for QPG Hub in London.": "Mae Zak yn gwirfoddoli gyda QPG Hub yn Llundain.",
    "volunteer": "gwirfoddolwr",
    "Zak packing food parcels at QPG Hub": "Zak yn pacio parseli bwyd yn QPG Hub",
    "This Mum Runs: prescriptions on the run": "This Mum Runs: presgripsiynau ar ras",
    "We've been delivering an on-the-run pharmacy courier service where runners pick up and take "
    "prescriptions to those who are socially isolating.": "Rydyn ni wedi bod yn cynnal "
    "gwasanaeth cludo o’r fferyllfa ar ras, lle mae rhedwyr yn casglu presgripsiynau ac yn mynd â "
    "nhw at bobl sy’n hunanynysu.",
    "Christina and This Mum Runs in Bristol turned their runs into a lifeline: runners pick up "
    "prescriptions and take them to people who are socially isolating.": "Trodd Christina a This "
    "Mum Runs ym Mryste eu rhediadau’n achubiaeth: mae rhedwyr yn casglu presgripsiynau ac yn "
    "mynd â nhw at bobl sy’n hunanynysu.",
    "Bristol": "Bryste",
    "Three runners from This Mum Runs set off down a street, one carrying a prescription bag": (
        "Tri rhedwr o This Mum Runs yn cychwyn i lawr stryd, un yn cario bag presgripsiwn"
    ),
}

MEMBERS_CY = {
    "The British Red Cross": "Y Groes Goch Brydeinig",
    "The Jo Cox Foundation": "Sefydliad Jo Cox",
    "The charity for older people; a founding member of the Connection Coalition.": "Yr elusen "
    "ar gyfer pobl hŷn; " + FOUNDING_CY,
    "A founding member of the Connection Coalition.": "Un o aelodau sefydlu’r Glymblaid "
    "Cysylltiad.",
    "The mental health charity; a founding member of the Connection Coalition.": "Yr elusen "
    "iechyd meddwl; " + FOUNDING_CY,
    "The UK innovation charity, and an Encore Network member; a founding member of the "
    "Connection Coalition.": "Elusen arloesi’r DU, ac aelod o Rwydwaith Encore; " + FOUNDING_CY,
    "The humanitarian charity; a founding member of the Connection Coalition.": "Yr elusen "
    "ddyngarol; " + FOUNDING_CY,
    "Led by Encore Public Voices Fellow Alex Smith; North London Cares is part of it. A "
    "founding member of the Connection Coalition.": "Dan arweiniad Alex Smith, Cymrawd Encore "
    "Public Voices; mae North London Cares yn rhan ohoni. Un o aelodau sefydlu’r Glymblaid "
    "Cysylltiad.",
    "Founded the Connection Coalition, and leads it as an initiative of the Foundation.": (
        "Sefydlodd y Glymblaid Cysylltiad, ac mae’n ei harwain fel un o fentrau’r Sefydliad."
    ),
}

# Names, credits and slugs that are the same in Welsh (the translation editor still records
# them as translated). Slugs stay English: a page keeps one address in both languages under
# its language prefix (/cy/stories/ like /stories/), as the URLs expect.
SAME_IN_WELSH = [
    "Age UK",
    "Christina",
    "Encore.org",
    "Facebook",
    "Julia Randell-Khan",
    "Mind",
    "NationBuilder",
    "Nesta",
    "North London Cares",
    "Orla",
    "QPG Hub",
    "The Cares Family",
    "This Mum Runs",
    "Zak",
]

LIBRARY_CY = {
    **THEMES_CY,
    **STORIES_CY,
    **MEMBERS_CY,
    **{name: name for name in SAME_IN_WELSH},
}
