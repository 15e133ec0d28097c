"""Welsh for the Community Makes Us campaign, its toolkit and the news article, by English
segment (as wagtail-localize extracts it). The toolkit's posts keep the campaign's hashtag."""

from .welsh_words_pages import (
    CAMPAIGN_CY,
    CHANCE_CY,
    COLLABORATE_CY,
    DAISY_CHAIN_CY,
    EVERYONE_HAS_VALUE_CY,
    FOCUS_CY,
    FUTURE_CY,
    HASHTAG,
    INSPIRE_CY,
    INTRO_CY,
    LOOK_OUT_CY,
    REMEMBER_CY,
)

TOOLKIT_CY = "pecyn cymorth"

CAMPAIGN_PAGE_CY = {
    "Connection Coalition is focussing on ways people have been coming together to do little "
    "things with a massive impact, during the coronavirus crisis.": FOCUS_CY,
    "The Community Makes Us Manifesto": "Maniffesto " + CAMPAIGN_CY,
    "As individuals, we’re all doing our best in the current strange situation.": "Fel "
    "unigolion, rydyn ni i gyd yn gwneud ein gorau yn y sefyllfa ryfedd sydd ohoni.",
    "Sometimes we feel afraid. Sometimes we’re alone. Sometimes we want nothing more than for "
    "this whole thing to end.": "Weithiau rydyn ni’n teimlo ofn. Weithiau rydyn ni ar ein pennau "
    "ein hunain. Weithiau does dim byd rydyn ni ei eisiau’n fwy na gweld diwedd ar hyn i gyd.",
    "But sometimes we’re doing okay. Sometimes we’re doing small things, like checking in on an "
    "older neighbour. Sometimes we’re doing things that are a little bigger, like joining a local "
    "group to protect the most vulnerable around us. And sometimes we’re all coming together as "
    "one, like when we stand on our balconies and proudly clap for our carers.": "Ond weithiau "
    "rydyn ni’n iawn. Weithiau rydyn ni’n gwneud pethau bach, fel galw heibio i weld sut mae "
    "cymydog hŷn. Weithiau rydyn ni’n gwneud pethau ychydig yn fwy, fel ymuno â grŵp lleol i "
    "amddiffyn y rhai mwyaf agored i niwed o’n cwmpas. Ac weithiau rydyn ni i gyd yn dod ynghyd "
    "fel un, fel pan fyddwn ni’n sefyll ar ein balconïau ac yn curo dwylo’n falch i’n gofalwyr.",
    "What we’re now realising, however we’re coping, is that we’re all in this together. We are "
    "a community, from next door to national. And that these small acts of good will can "
    "snowball, growing bigger and bigger until an untold number of people are affected.": "Yr hyn "
    "rydyn ni’n ei sylweddoli nawr, sut bynnag rydyn ni’n ymdopi, yw ein bod ni i gyd yn hyn "
    "gyda’n gilydd. Rydyn ni’n gymuned, o’r drws nesaf i’r genedl gyfan. A bod y gweithredoedd "
    "bach hyn o ewyllys da yn gallu casglu fel pelen eira, gan dyfu’n fwy ac yn fwy nes bod nifer "
    "dirifedi o bobl yn teimlo’r effaith.",
    "We’re learning that everyone has value. That every little connection helps. That doing good "
    "for someone else means there’s more of a chance that someone else will be inspired, and do "
    "good for you. That the daisy chain of kindness is growing unbreakably strong.": (
        EVERYONE_HAS_VALUE_CY + " Bod gwneud da i rywun arall yn golygu bod mwy o siawns y caiff "
        "rhywun arall ei ysbrydoli, a gwneud da i chi. " + DAISY_CHAIN_CY
    ),
    "Once this is all over, we can’t forget that. We have to remember going above and beyond, "
    "and make sure that’s just the new normal. We have to remember to look out for each other, to "
    "take care of one another, and make sure we’re all doing ok.": "Pan fydd hyn i gyd drosodd, "
    "allwn ni ddim anghofio hynny. Rhaid i ni gofio mynd y filltir ychwanegol, a sicrhau mai "
    "dyna’r drefn arferol newydd. Rhaid i ni gofio edrych allan am ein gilydd, gofalu am ein "
    "gilydd, a sicrhau ein bod ni i gyd yn iawn.",
    "And we can do that, as long as we remember that we make community. And that community makes "
    "us.": "A gallwn ni wneud hynny, cyn belled â’n bod ni’n cofio mai ni sy’n gwneud cymuned. A "
    "mai cymuned sy’n ein gwneud ni.",
    "We've put together a campaign toolkit to help Connection Coalition members get involved with "
    "Community Makes Us.": "Rydyn ni wedi llunio " + TOOLKIT_CY + " i helpu aelodau’r Glymblaid "
    "Cysylltiad i gymryd rhan yn ymgyrch " + CAMPAIGN_CY + ".",
    "The idea is for you, our Coalition members, to share the contents of this toolkit across "
    "your websites, social media channels and email newsletters to encourage your supporters and "
    "beneficiaries to join in with the campaign.": "Y syniad yw eich bod chi, aelodau’r "
    "Glymblaid, yn rhannu cynnwys y " + TOOLKIT_CY + " hwn ar eich gwefannau, eich sianeli "
    "cyfryngau cymdeithasol a’ch cylchlythyrau e-bost, i annog eich cefnogwyr a’ch buddiolwyr i "
    "ymuno â’r ymgyrch.",
    "Get the toolkit": "Cael y " + TOOLKIT_CY,
    "Who's behind Community Makes Us?": "Pwy sydd y tu ôl i " + CAMPAIGN_CY + "?",
    "Community Makes Us is campaign from the Connection Coalition, a growing network of "
    "organisations, charities, companies and groups united in our belief that we can build a "
    "better future for everyone by building strong relationships and connected communities. The "
    "Connection Coalition is an initiative of The Jo Cox Foundation.": "Ymgyrch gan y Glymblaid "
    "Cysylltiad yw " + CAMPAIGN_CY + ". " + INTRO_CY + " Menter gan Sefydliad Jo Cox yw’r "
    "Glymblaid Cysylltiad.",
    "Get the toolkit: posts, email copy and the PDF": "Cael y " + TOOLKIT_CY + ": negeseuon, "
    "testun e-bost a’r PDF",
    "Community Makes Us: let's remember that we are the ones that make our community.": (
        CAMPAIGN_CY + ": gadewch i ni gofio mai ni sy’n gwneud ein cymuned."
    ),
}

TOOLKIT_PAGE_CY = {
    "Community Makes Us toolkit": "Pecyn cymorth " + CAMPAIGN_CY,
    "Two neighbours chatting over a pot of tea at a cafe table": "Dau gymydog yn sgwrsio dros "
    "bot o de wrth fwrdd mewn caffi",
    "Ready-to-post social copy": "Negeseuon parod i’r cyfryngau cymdeithasol",
    "Post for Facebook or Instagram": "Neges ar gyfer Facebook neu Instagram",
    "Right now when so much of our lives have changed the small ways we can connect with each "
    "other mean more than ever. #CommunityMakesUs": "Ar hyn o bryd, a chymaint o’n bywydau wedi "
    "newid, mae’r ffyrdd bach y gallwn gysylltu â’n gilydd yn golygu mwy nag erioed." + HASHTAG,
    "Post for X or Threads": "Neges ar gyfer X neu Threads",
    "Let’s remember that we are the ones that make our community. And our community makes us. "
    "#CommunityMakesUs": REMEMBER_CY + HASHTAG,
    "Post for LinkedIn": "Neges ar gyfer LinkedIn",
    "It’s a chance to build stronger, kinder better-connected communities. It’s a change we need, "
    "not just now, in the worst of times, but always. #CommunityMakesUs": CHANCE_CY + HASHTAG,
    "Post about the manifesto": "Neges am y maniffesto",
    "We’re learning that everyone has value. That every little connection helps. That the daisy "
    "chain of kindness is growing unbreakably strong. #CommunityMakesUs": (
        EVERYONE_HAS_VALUE_CY + " " + DAISY_CHAIN_CY + HASHTAG
    ),
    "Email copy": "Testun e-bost",
    "Email subject": "Pwnc yr e-bost",
    "Email message": "Neges e-bost",
    # The email's paragraphs (wagtail-localize joins them with <br/><br/>).
    "More of us are remembering to look out for each other, to take care of one another, to be "
    "there for one another. We see that people are trying new things and developing different "
    "habits and that this is a chance to really change the way we see each other, the places "
    "we live and how we each fit in.": LOOK_OUT_CY,
    "Let’s remember that we are the ones that make our community. And our community makes us.": (
        REMEMBER_CY
    ),
    "How to join": "Sut i ymuno",
    # The widgets for members' websites (cms/demo/toolkit_page.py).
    "On your own website": "Ar eich gwefan eich hun",
    "Put our newsletter signup, the latest stories and a “Join the movement” button on your "
    "organisation’s website: paste this into any page and put your organisation’s name in "
    "data-source, so we can count who signed up through you. No frame, no cookies.": (
        "Rhowch ein ffurflen cylchlythyr, y straeon diweddaraf a botwm “Ymunwch â’r mudiad” ar "
        "wefan eich sefydliad: gludwch hwn i unrhyw dudalen a rhowch enw eich sefydliad yn "
        "data-source, er mwyn i ni gyfrif pwy a gofrestrodd drwoch chi. Dim ffrâm, dim cwcis."
    ),
    "Widgets for your website": "Teclynnau ar gyfer eich gwefan",
    "Coalition editors find these snippets for every site, a live preview and the oEmbed "
    'address of each story in the admin, under <a id="a1">Embed</a>.': (
        "Mae golygyddion y Glymblaid yn cael y pytiau hyn ar gyfer pob safle, rhagolwg byw a "
        'chyfeiriad oEmbed pob stori yn y weinyddiaeth, o dan <a id="a1">Embed</a>.'
    ),
}

NEWS_CY = {
    "UK organisations collaborate to foster social connections": "Sefydliadau yn y DU yn "
    "cydweithio i feithrin cysylltiadau cymdeithasol",
    "Encore.org Senior Fellow Julia Randell-Khan shares news of UK organizations collaborating "
    "to foster social connections.": "Mae Julia Randell-Khan, Uwch Gymrawd Encore.org, yn rhannu "
    "newyddion am sefydliadau yn y DU sy’n cydweithio i feithrin cysylltiadau cymdeithasol.",
    "Veteran 99-year-old Captain Tom Moore’s recent walk to raise money for National Health "
    "Service charities in the UK has raised an astounding £27million – a powerful story of people "
    "supporting their neighbours and communities in creative ways during Covid 19. The story has "
    "also inspired young children to draw birthday cards to celebrate Tom’s 100th birthday at the "
    "end of April – a natural cross-generational impact.": "Mae taith gerdded ddiweddar y "
    "cyn-filwr 99 oed Capten Tom Moore i godi arian i elusennau’r Gwasanaeth Iechyd Gwladol yn y "
    "DU wedi codi’r swm syfrdanol o £27 miliwn – stori rymus am bobl yn cefnogi eu cymdogion a’u "
    "cymunedau mewn ffyrdd creadigol yn ystod Covid 19. Mae’r stori hefyd wedi ysbrydoli plant "
    "ifanc i wneud cardiau pen-blwydd i ddathlu pen-blwydd Tom yn 100 oed ddiwedd mis Ebrill – "
    "effaith naturiol ar draws y cenedlaethau.",
    "The drive for community connectedness is not new for many people, but the response to Covid "
    "19 is prompting more people than ever to create reciprocal relationships to build "
    "solidarity, belonging and the belief that we have more in common than that which divides "
    "us.": "Dydy’r awydd am gymunedau clòs ddim yn newydd i lawer o bobl, ond mae’r ymateb i Covid "
    "19 yn annog mwy o bobl nag erioed i greu perthnasoedd sy’n rhoi ac yn derbyn, er mwyn "
    "meithrin undod, perthyn a’r gred bod gennym fwy yn gyffredin na’r hyn sy’n ein gwahanu.",
    "A new open source, cross-sector movement, the Connection Coalition — which includes Encore "
    "Network member and UK innovation charity Nesta, the Jo Cox Foundation, Mind, Age UK, the "
    "British Red Cross and Facebook — aims to help people maintain social connections despite "
    "physical isolation. This will help both to protect the health and well-being of those most "
    "at risk and crucially build strong community relationships that will endure beyond the "
    "immediate crisis. Its mission: working together to build strong relationships and "
    "communities, both now and in the future.": "Nod mudiad newydd, ffynhonnell agored a "
    "thraws-sector, y Glymblaid Cysylltiad — sy’n cynnwys Nesta, aelod o Rwydwaith Encore ac "
    "elusen arloesi’r DU, Sefydliad Jo Cox, Mind, Age UK, y Groes Goch Brydeinig a Facebook — yw "
    "helpu pobl i gynnal cysylltiadau cymdeithasol er gwaethaf ynysigrwydd corfforol. Bydd hyn yn "
    "helpu i ddiogelu iechyd a lles y rhai sydd fwyaf mewn perygl ac, yn hollbwysig, i adeiladu "
    "perthnasoedd cymunedol cryf a fydd yn para y tu hwnt i’r argyfwng presennol. Ei genhadaeth: "
    "gweithio gyda’n gilydd i adeiladu perthnasoedd a chymunedau cryf, nawr ac yn y dyfodol.",
    "The Cares Family, led by Encore Public Voices Fellow Alex Smith, is also a founding member "
    "of the Coalition. It expects to grow into a network of organisations, charities, companies "
    "and groups to lift up the stories of connection.": "Mae The Cares Family, dan arweiniad Alex "
    "Smith, Cymrawd Encore Public Voices, hefyd yn un o aelodau sefydlu’r Glymblaid. Mae’r "
    "Glymblaid yn disgwyl tyfu’n rhwydwaith o sefydliadau, elusennau, cwmnïau a grwpiau a fydd "
    "yn codi llais straeon am gysylltiad.",
    "“We are going to be living in a different kind of country after the crisis is over. We can "
    "build a better future for everyone by building strong relationships and connected "
    "communities now.”": "“" + FUTURE_CY + "”",
    "The immediate work of the Coalition is to bring organisations together to collaborate and "
    "share expertise, creativity, tools and ideas for ways to build connection during a time of "
    "physical distancing. Through storytelling and sharing a message of hope, the aim is to "
    "inspire people to build and maintain strong reciprocal social relationships now and in the "
    "future.": "Gwaith cyntaf y Glymblaid yw dod â sefydliadau ynghyd " + COLLABORATE_CY + " ar "
    "adeg o gadw pellter corfforol. Drwy adrodd straeon a rhannu neges o obaith, y nod yw "
    + INSPIRE_CY,
}

CAMPAIGN_CY_WORDS = {**CAMPAIGN_PAGE_CY, **TOOLKIT_PAGE_CY, **NEWS_CY}
