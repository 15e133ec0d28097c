"""Welsh for the national site's pages, by English segment (as wagtail-localize extracts it):
written as a Welsh speaker writes it, in the "chi" register. The English is the seeds'."""

INTRO_CY = (
    "Mae ein Clymblaid Cysylltiad draws-sector yn rhwydwaith cynyddol o sefydliadau, elusennau, "
    "cwmnïau a grwpiau sy’n unedig yn ein cred y gallwn adeiladu dyfodol gwell i bawb drwy "
    "adeiladu perthnasoedd cryf a chymunedau cysylltiedig."
)
TAGLINE_CY = (
    "Gweithio gyda’n gilydd i adeiladu perthnasoedd cryf a chymunedau cysylltiedig, nawr ac yn y "
    "dyfodol"
)
CAMPAIGN_CY = "Cymuned sy’n ein gwneud ni"
JOIN_CY = "Ymunwch â’r Glymblaid"
CHANCE_CY = (
    "Mae’n gyfle i adeiladu cymunedau cryfach, caredicach sydd wedi’u cysylltu’n well. Mae’n "
    "newid sydd ei angen arnom, nid dim ond nawr, yn yr amseroedd gwaethaf, ond bob amser."
)
LOOK_OUT_CY = (
    "Mae mwy ohonom yn cofio edrych allan am ein gilydd, gofalu am ein gilydd a bod yno i’n "
    "gilydd. Rydyn ni’n gweld pobl yn rhoi cynnig ar bethau newydd ac yn datblygu arferion "
    "gwahanol, a bod hwn yn gyfle i newid go iawn y ffordd rydyn ni’n gweld ein gilydd, y lleoedd "
    "rydyn ni’n byw ynddyn nhw a sut mae pob un ohonom yn perthyn."
)
REMEMBER_CY = "Gadewch i ni gofio mai ni sy’n gwneud ein cymuned. A’n cymuned sy’n ein gwneud ni."
EVERYONE_HAS_VALUE_CY = "Rydyn ni’n dysgu bod gwerth i bawb. Bod pob cysylltiad bach yn helpu."
DAISY_CHAIN_CY = "Bod cadwyn llygaid y dydd caredigrwydd yn tyfu mor gryf fel na ellir ei thorri."
FOCUS_CY = (
    "Mae’r Glymblaid Cysylltiad yn canolbwyntio ar y ffyrdd mae pobl wedi dod at ei gilydd i "
    "wneud pethau bach sy’n cael effaith enfawr yn ystod argyfwng y coronafeirws."
)
FUTURE_CY = (
    "Byddwn ni’n byw mewn gwlad o fath gwahanol ar ôl i’r argyfwng ddod i ben. Gallwn adeiladu "
    "dyfodol gwell i bawb drwy adeiladu perthnasoedd cryf a chymunedau cysylltiedig nawr."
)
COLLABORATE_CY = (
    "i gydweithio ac i rannu arbenigedd, creadigrwydd, adnoddau a syniadau am ffyrdd o feithrin "
    "cysylltiad"
)
INSPIRE_CY = (
    "ysbrydoli pobl i adeiladu a chynnal perthnasoedd cymdeithasol cryf sy’n rhoi ac yn derbyn, "
    "nawr ac yn y dyfodol."
)
SIGN_UP_CY = [
    "Os ydych chi’n sefydliad, yn elusen, yn grŵp, yn gwmni neu’n unrhyw gorff trefnus arall, ac "
    "yn rhannu ein cred bod perthnasoedd a chysylltiadau cryf yn cryfhau ein cymunedau, byddem "
    "wrth ein bodd petaech chi’n ymuno â ni. Drwy ymuno, byddwch chi’n rhan o rwydwaith cynyddol "
    "o bobl sy’n rhannu eich cred yng ngrym cysylltiad.",
    "Gyda’n gilydd, byddwn ni’n dod o hyd i ffyrdd o roi llais i’ch arbenigedd ac o rannu a "
    "dathlu’r cysylltiadau rydych chi’n eu hwyluso yn eich cymunedau. Byddwn ni’n ysbrydoli mwy "
    "fyth o bobl i estyn allan a gwneud cysylltiadau. Byddwn ni’n ymdrechu i sicrhau bod y "
    "cysylltiadau a’r cyfeillgarwch sy’n cael eu gwneud mewn cymunedau nawr yn parhau y tu hwnt "
    "i’r argyfwng presennol.",
    "Mae pob aelod yn dod â’i arbenigedd, ei wybodaeth a’i straeon ei hun. Edrychwn ymlaen at "
    "weithio gyda chi i rannu, dysgu, gweithredu a chysylltu gyda’n gilydd.",
]
HASHTAG = " #CommunityMakesUs"

PAGES_CY = {
    # --- the home page ------------------------------------------------------------------------
    "Connection Coalition": "Clymblaid Cysylltiad",
    "connection-coalition": "clymblaid-cysylltiad",
    "Working together to build strong relationships and connected communities, both now and in "
    "the future": TAGLINE_CY,
    "Our cross-sector Connection Coalition is a growing network of organisations, charities, "
    "companies and groups united in our belief that we can build a better future for everyone by "
    "building strong relationships and connected communities.": INTRO_CY,
    "Join the Coalition": JOIN_CY,
    "Orla and Jean": "Orla a Jean",
    "Orla and Jean are friends through the work of North London Cares. Orla said: “I phoned Jean "
    "and she sounded cut off from the world, so I called over to give a friendly wave through the "
    "window and left a (sanitised) book.”": "Mae Orla a Jean yn ffrindiau drwy waith North London "
    "Cares. Meddai Orla: “Ffoniais i Jean ac roedd hi’n swnio fel petai wedi’i thorri i ffwrdd o’r "
    "byd, felly es i draw i godi llaw’n gyfeillgar drwy’r ffenest a gadael llyfr (wedi’i "
    "ddiheintio).”",
    "Community Makes Us": CAMPAIGN_CY,
    "Right now when so much of our lives are off-limits, the small ways we can connect with each "
    "other mean more than ever.": "Ar hyn o bryd, a chymaint o’n bywydau y tu hwnt i’n cyrraedd, "
    "mae’r ffyrdd bach y gallwn gysylltu â’n gilydd yn golygu mwy nag erioed.",
    "More of us are remembering to look out for each other, to take care of one another, to be "
    "there for one another. We see that people are trying new things and developing different "
    "habits and that this is a chance to really change the way we see each other, the places we "
    "live and how we each fit in.": LOOK_OUT_CY,
    "It's a chance to build stronger, kinder better-connected communities. It's a change we need, "
    "not just now, in the worst of times, but always.": CHANCE_CY,
    "Let's remember that we are the ones that make our community. And our community makes us.": (
        REMEMBER_CY
    ),
    "View the campaign": "Gweld yr ymgyrch",
    "If you are an organisation, charity, group or company and share our belief that our "
    "communities are strengthened by strong relationships and connections, we’d love you to join "
    "us.": "Os ydych chi’n sefydliad, yn elusen, yn grŵp neu’n gwmni ac yn rhannu ein cred bod "
    "perthnasoedd a chysylltiadau cryf yn cryfhau ein cymunedau, byddem wrth ein bodd petaech "
    "chi’n ymuno â ni.",
    "Community Stories": "Straeon o’r gymuned",
    # --- about, and its questions and answers -------------------------------------------------
    "About the Connection Coalition": "Ynglŷn â’r Glymblaid Cysylltiad",
    "The Connection Coalition is an initiative of The Jo Cox Foundation. Our cross-sector "
    "Connection Coalition is a growing network of organisations, charities, companies and groups "
    "united in our belief that we can build a better future for everyone by building strong "
    "relationships and connected communities.": "Menter gan Sefydliad Jo Cox yw’r Glymblaid "
    "Cysylltiad. " + INTRO_CY,
    "Questions and answers": "Cwestiynau ac atebion",
    "Why now?": "Pam nawr?",
    "Since the start of COVID-19, many people are supporting their neighbours and communities in "
    "creative and inspiring ways. For many people this is nothing new, but for some this is an "
    "unfamiliar, yet deep experience of community connectedness. More than ever we are seeing "
    "that reciprocal relationships build solidarity, belonging and prove that we have more in "
    "common than that which divides us. The UK will be a changed country as a result of COVID-19, "
    "but it will have changed for the better if people continue to build and strengthen the "
    "connections within society that bind us together.": "Ers dechrau COVID-19, mae llawer o bobl "
    "yn cefnogi eu cymdogion a’u cymunedau mewn ffyrdd creadigol ac ysbrydoledig. I lawer, does "
    "dim byd newydd yn hyn, ond i rai mae’n brofiad dieithr, ond dwfn, o gymuned glòs. Yn fwy nag "
    "erioed, rydyn ni’n gweld bod perthnasoedd sy’n rhoi ac yn derbyn yn meithrin undod a "
    "pherthyn, ac yn profi bod gennym fwy yn gyffredin na’r hyn sy’n ein gwahanu. Bydd y DU yn "
    "wlad wahanol o ganlyniad i COVID-19, ond bydd wedi newid er gwell os bydd pobl yn dal ati i "
    "adeiladu a chryfhau’r cysylltiadau o fewn cymdeithas sy’n ein clymu ni at ein gilydd.",
    "Who are the members of the Connection Coalition?": "Pwy yw aelodau’r Glymblaid Cysylltiad?",
    "The Jo Cox Foundation has founded the Connection Coalition alongside Mind, The British Red "
    "Cross, Facebook, Age UK, Nesta, Nationbuilder and The Cares Family.": "Sefydlodd Sefydliad "
    "Jo Cox y Glymblaid Cysylltiad ochr yn ochr â Mind, y Groes Goch Brydeinig, Facebook, Age UK, "
    "Nesta, Nationbuilder a The Cares Family.",
    "The founding members are convening this cross-sector coalition to coordinate, amplify and "
    "inspire efforts to reinforce meaningful connections. In doing so, we will mitigate the "
    "impact of isolation throughout the COVID-19 crisis and harness the power of strong "
    "relationships and connections for the future.": "Mae’r aelodau sefydlu yn dod â’r glymblaid "
    "draws-sector hon ynghyd i gydlynu, chwyddo ac ysbrydoli ymdrechion i atgyfnerthu "
    "cysylltiadau ystyrlon. Wrth wneud hynny, byddwn yn lleihau effaith ynysigrwydd drwy gydol "
    "argyfwng COVID-19 ac yn harneisio grym perthnasoedd a chysylltiadau cryf ar gyfer y dyfodol.",
    "What impact does the Connection Coalition seek?": "Pa effaith mae’r Glymblaid Cysylltiad yn "
    "ceisio’i chael?",
    "The impact we seek is two-fold:": "Mae dwy ran i’r effaith rydyn ni’n ei cheisio:",
    "<b>Immediate.</b> By bringing together and coordinating those who are building social "
    "connections during a time of physical distancing, we can catalyse collaborative efforts to "
    "build strong connections and meaningful relationships.": "<b>Ar unwaith.</b> Drwy ddod â’r "
    "rheini sy’n meithrin cysylltiadau cymdeithasol ar adeg o gadw pellter corfforol ynghyd, a’u "
    "cydlynu, gallwn sbarduno ymdrechion ar y cyd i adeiladu cysylltiadau cryf a pherthnasoedd "
    "ystyrlon.",
    "<b>Longer-term.</b> We are going to be living in a different kind of country after the "
    "crisis is over. We can build a better future for everyone by building strong relationships "
    "and connected communities now.": "<b>Yn y tymor hwy.</b> " + FUTURE_CY,
    "What will the Connection Coalition do?": "Beth fydd y Glymblaid Cysylltiad yn ei wneud?",
    "The Connection Coalition is guided by the expertise and needs of our members. At this stage "
    "we are bringing organisations together to collaborate and share expertise, creativity, tools "
    "and ideas for ways to build connection.": "Arbenigedd ac anghenion ein haelodau sy’n llywio’r "
    "Glymblaid Cysylltiad. Ar hyn o bryd rydyn ni’n dod â sefydliadau ynghyd "
    + COLLABORATE_CY
    + ".",
    "Rooted in this action we will share a message of hope by lifting up the voices of all those "
    "who are building connections in their communities. Through storytelling and sharing a "
    "message of hope we aim to inspire people to build and maintain strong reciprocal social "
    "relationships now and in the future.": "Gan wreiddio hyn mewn gweithredu, byddwn yn rhannu "
    "neges o obaith drwy godi lleisiau pawb sy’n meithrin cysylltiadau yn eu cymunedau. Drwy "
    "adrodd straeon a rhannu neges o obaith, ein nod yw " + INSPIRE_CY,
    "Can I sign up? And how?": "Alla i ymuno? A sut?",
    "If you are an organisation, charity, group or company or any other organised entity and "
    "share our belief that our communities are strengthened by strong relationships and "
    "connections, we’d love you to join us. In signing up you’ll be part of a growing network of "
    "those who share your belief in the power of connection.": SIGN_UP_CY[0],
    "Together we will find ways to amplify your expertise as well as share and celebrate the "
    "connections you are facilitating in your communities. We will inspire even more people to "
    "reach out and form connections. We will strive to ensure that the connections and "
    "friendships made in communities now are sustained beyond the immediate crisis.": SIGN_UP_CY[1],
    "Each member brings their own expertise, knowledge and stories. We look forward to working "
    "with you to share, learn, act and connect together.": SIGN_UP_CY[2],
    "How can individuals help?": "Sut gall unigolion helpu?",
    "We are a coalition of organisations, charities, groups and companies. If you are an "
    "individual looking to be part of the work to build connections in your communities, be "
    "inspired by everything from formal volunteering opportunities to small tips to reach out to "
    "your neighbours. You'll be joining the millions of others who are building stronger, more "
    "connected communities.": "Clymblaid o sefydliadau, elusennau, grwpiau a chwmnïau ydyn ni. Os "
    "ydych chi’n unigolyn sydd am fod yn rhan o’r gwaith o feithrin cysylltiadau yn eich "
    "cymuned, cewch eich ysbrydoli gan bopeth o gyfleoedd gwirfoddoli ffurfiol i awgrymiadau bach "
    "ar gyfer estyn allan at eich cymdogion. Byddwch chi’n ymuno â’r miliynau o bobl eraill sy’n "
    "adeiladu cymunedau cryfach sydd wedi’u cysylltu’n well.",
    # --- members, joining, news, stories, newsletter ------------------------------------------
    "Members": "Aelodau",
    "A growing network of organisations, charities, companies and groups united in our belief "
    "that we can build a better future for everyone by building strong relationships and "
    "connected communities.": "Rhwydwaith cynyddol o sefydliadau, elusennau, cwmnïau a grwpiau "
    "sy’n unedig yn ein cred y gallwn adeiladu dyfodol gwell i bawb drwy adeiladu perthnasoedd "
    "cryf a chymunedau cysylltiedig.",
    "Working together to build strong relationships and connected communities, both now and in "
    "the future.": TAGLINE_CY + ".",
    "News": "Newyddion",
    "News from across the Connection Coalition.": "Newyddion o bob rhan o’r Glymblaid Cysylltiad.",
    "Stories": "Straeon",
    "Stories of connection from communities across the UK.": "Straeon am gysylltiad o gymunedau "
    "ledled y DU.",
    "Has someone in your community made a difference? Tell us, in your own words.": "Oes rhywun "
    "yn eich cymuned chi wedi gwneud gwahaniaeth? Dywedwch wrthym ni, yn eich geiriau eich hun.",
    "Newsletter": "Cylchlythyr",
    "Receive our latest news: stories of connection from across the network, campaigns and ways "
    "to get involved, a few times a year.": "Cewch ein newyddion diweddaraf: straeon am gysylltiad "
    "o bob rhan o’r rhwydwaith, ymgyrchoedd a ffyrdd o gymryd rhan, ychydig o weithiau’r "
    "flwyddyn.",
    "Community Makes Us: our winter round-up": CAMPAIGN_CY + ": crynodeb y gaeaf",
    "Stories from Bristol, London and beyond, and how to share the campaign.": "Straeon o Fryste, "
    "Llundain a thu hwnt, a sut i rannu’r ymgyrch.",
    "Thank you for being part of the Connection Coalition. This winter, members across the UK "
    "kept people connected: here are some of their stories.": "Diolch am fod yn rhan o’r "
    "Glymblaid Cysylltiad. Y gaeaf hwn, bu aelodau ledled y DU yn cadw pobl mewn cysylltiad: dyma "
    "rai o’u straeon.",
    "News from across the coalition": "Newyddion o bob rhan o’r glymblaid",
    "Members, chapters and partners on what they have been doing.": "Aelodau, canghennau a "
    "phartneriaid yn sôn am yr hyn maen nhw wedi bod yn ei wneud.",
    "Share the Community Makes Us campaign": "Rhannwch ymgyrch " + CAMPAIGN_CY,
    # "Find your local group" (cms/demo/local_groups.py)
    "Find your local group": "Dewch o hyd i’ch grŵp lleol",
    "Local groups of the Connection Coalition bring people together where they live. Find the "
    "one near you, read its latest story and join in.": "Mae grwpiau lleol y Glymblaid Cysylltiad "
    "yn dod â phobl at ei gilydd lle maen nhw’n byw. Dewch o hyd i’r un agosaf atoch chi, "
    "darllenwch ei stori ddiweddaraf ac ymunwch.",
}
