"""The coalition's own words, taken from ../shared/seeds, shaped into page content."""

NATIONAL_TAGLINE = (
    "Working together to build strong relationships and connected communities, "
    "both now and in the future"
)
NATIONAL_INTRO = (
    "Our cross-sector Connection Coalition is a growing network of organisations, charities, "
    "companies and groups united in our belief that we can build a better future for everyone "
    "by building strong relationships and connected communities."
)
ORLA_AND_JEAN_CAPTION = (
    "Orla and Jean are friends through the work of North London Cares. Orla said: \u201cI "
    "phoned Jean and she sounded cut off from the world, so I called over to give a friendly "
    "wave through the window and left a (sanitised) book.\u201d"
)
CAMPAIGN_CALL = [
    "Right now when so much of our lives are off-limits, the small ways we can connect with "
    "each other mean more than ever.",
    "More of us are remembering to look out for each other, to take care of one another, to be "
    "there for one another. We see that people are trying new things and developing different "
    "habits and that this is a chance to really change the way we see each other, the places we "
    "live and how we each fit in.",
    "It's a chance to build stronger, kinder better-connected communities. It's a change we "
    "need, not just now, in the worst of times, but always.",
    "Let's remember that we are the ones that make our community. And our community makes us.",
]
CAMPAIGN_INTRO = (
    "Connection Coalition is focussing on ways people have been coming together to do little "
    "things with a massive impact, during the coronavirus crisis."
)
MANIFESTO = [
    "As individuals, we\u2019re all doing our best in the current strange situation.",
    "Sometimes we feel afraid. Sometimes we\u2019re alone. Sometimes we want nothing more than "
    "for this whole thing to end.",
    "But sometimes we\u2019re doing okay. Sometimes we\u2019re doing small things, like checking "
    "in on an older neighbour. Sometimes we\u2019re doing things that are a little bigger, like "
    "joining a local group to protect the most vulnerable around us. And sometimes we\u2019re "
    "all coming together as one, like when we stand on our balconies and proudly clap for our "
    "carers.",
    "What we\u2019re now realising, however we\u2019re coping, is that we\u2019re all in this "
    "together. We are a community, from next door to national. And that these small acts of "
    "good will can snowball, growing bigger and bigger until an untold number of people are "
    "affected.",
    "We\u2019re learning that everyone has value. That every little connection helps. That "
    "doing good for someone else means there\u2019s more of a chance that someone else will be "
    "inspired, and do good for you. That the daisy chain of kindness is growing unbreakably "
    "strong.",
    "Once this is all over, we can\u2019t forget that. We have to remember going above and "
    "beyond, and make sure that\u2019s just the new normal. We have to remember to look out for "
    "each other, to take care of one another, and make sure we\u2019re all doing ok.",
    "And we can do that, as long as we remember that we make community. And that community "
    "makes us.",
]
TOOLKIT_INTRO = [
    "We've put together a campaign toolkit to help Connection Coalition members get involved "
    "with Community Makes Us.",
    "The idea is for you, our Coalition members, to share the contents of this toolkit across "
    "your websites, social media channels and email newsletters to encourage your supporters "
    "and beneficiaries to join in with the campaign.",
]
WHO_IS_BEHIND = (
    "Community Makes Us is campaign from the Connection Coalition, a growing network of "
    "organisations, charities, companies and groups united in our belief that we can build a "
    "better future for everyone by building strong relationships and connected communities. "
    "The Connection Coalition is an initiative of The Jo Cox Foundation."
)

FAQ = [
    (
        "Why now?",
        [
            "Since the start of COVID-19, many people are supporting their neighbours and "
            "communities in creative and inspiring ways. For many people this is nothing new, but "
            "for some this is an unfamiliar, yet deep experience of community connectedness. More "
            "than ever we are seeing that reciprocal relationships build solidarity, belonging and "
            "prove that we have more in common than that which divides us. The UK will be a "
            "changed country as a result of COVID-19, but it will have changed for the better if "
            "people continue to build and strengthen the connections within society that bind us "
            "together."
        ],
    ),
    (
        "Who are the members of the Connection Coalition?",
        [
            "The Jo Cox Foundation has founded the Connection Coalition alongside Mind, The "
            "British Red Cross, Facebook, Age UK, Nesta, Nationbuilder and The Cares Family.",
            "The founding members are convening this cross-sector coalition to coordinate, "
            "amplify and inspire efforts to reinforce meaningful connections. In doing so, we "
            "will mitigate the impact of isolation throughout the COVID-19 crisis and harness the "
            "power of strong relationships and connections for the future.",
        ],
    ),
    (
        "What impact does the Connection Coalition seek?",
        [
            "The impact we seek is two-fold:",
            "<ul><li><b>Immediate.</b> By bringing together and coordinating those who are "
            "building social connections during a time of physical distancing, we can catalyse "
            "collaborative efforts to build strong connections and meaningful relationships."
            "</li><li><b>Longer-term.</b> We are going to be living in a different kind of "
            "country after the crisis is over. We can build a better future for everyone by "
            "building strong relationships and connected communities now.</li></ul>",
        ],
    ),
    (
        "What will the Connection Coalition do?",
        [
            "The Connection Coalition is guided by the expertise and needs of our members. At "
            "this stage we are bringing organisations together to collaborate and share "
            "expertise, creativity, tools and ideas for ways to build connection.",
            "Rooted in this action we will share a message of hope by lifting up the voices of "
            "all those who are building connections in their communities. Through storytelling "
            "and sharing a message of hope we aim to inspire people to build and maintain strong "
            "reciprocal social relationships now and in the future.",
        ],
    ),
    (
        "Can I sign up? And how?",
        [
            "If you are an organisation, charity, group or company or any other organised "
            "entity and share our belief that our communities are strengthened by strong "
            "relationships and connections, we\u2019d love you to join us. In signing up "
            "you\u2019ll be part of a growing network of those who share your belief in the power "
            "of connection.",
            "Together we will find ways to amplify your expertise as well as share and celebrate "
            "the connections you are facilitating in your communities. We will inspire even more "
            "people to reach out and form connections. We will strive to ensure that the "
            "connections and friendships made in communities now are sustained beyond the "
            "immediate crisis.",
            "Each member brings their own expertise, knowledge and stories. We look forward to "
            "working with you to share, learn, act and connect together.",
        ],
    ),
    (
        "How can individuals help?",
        [
            "We are a coalition of organisations, charities, groups and companies. If you are an "
            "individual looking to be part of the work to build connections in your communities, "
            "be inspired by everything from formal volunteering opportunities to small tips to "
            "reach out to your neighbours. You'll be joining the millions of others who are "
            "building stronger, more connected communities."
        ],
    ),
]

NEWS_ARTICLE = {
    "title": "UK organisations collaborate to foster social connections",
    "author": "Julia Randell-Khan",
    "source_organisation": "Encore.org",
    "intro": (
        "Encore.org Senior Fellow Julia Randell-Khan shares news of UK organizations "
        "collaborating to foster social connections."
    ),
    "paragraphs": [
        "Veteran 99-year-old Captain Tom Moore\u2019s recent walk to raise money for National "
        "Health Service charities in the UK has raised an astounding \u00a327million \u2013 a "
        "powerful story of people supporting their neighbours and communities in creative ways "
        "during Covid 19. The story has also inspired young children to draw birthday cards to "
        "celebrate Tom\u2019s 100th birthday at the end of April \u2013 a natural "
        "cross-generational impact.",
        "The drive for community connectedness is not new for many people, but the response to "
        "Covid 19 is prompting more people than ever to create reciprocal relationships to build "
        "solidarity, belonging and the belief that we have more in common than that which "
        "divides us.",
        "A new open source, cross-sector movement, the Connection Coalition \u2014 which includes "
        "Encore Network member and UK innovation charity Nesta, the Jo Cox Foundation, Mind, Age "
        "UK, the British Red Cross and Facebook \u2014 aims to help people maintain social "
        "connections despite physical isolation. This will help both to protect the health and "
        "well-being of those most at risk and crucially build strong community relationships "
        "that will endure beyond the immediate crisis. Its mission: working together to build "
        "strong relationships and communities, both now and in the future.",
        "The Cares Family, led by Encore Public Voices Fellow Alex Smith, is also a founding "
        "member of the Coalition. It expects to grow into a network of organisations, charities, "
        "companies and groups to lift up the stories of connection.",
        "\u201cWe are going to be living in a different kind of country after the crisis is "
        "over. We can build a better future for everyone by building strong relationships and "
        "connected communities now.\u201d",
        "The immediate work of the Coalition is to bring organisations together to collaborate "
        "and share expertise, creativity, tools and ideas for ways to build connection during a "
        "time of physical distancing. Through storytelling and sharing a message of hope, the "
        "aim is to inspire people to build and maintain strong reciprocal social relationships "
        "now and in the future.",
    ],
}

COVENTRY_SECTIONS = [
    (
        "We've all been trying hard",
        [
            "As individuals, we\u2019re all doing our best in the current strange situation.",
            "Sometimes we feel afraid. Sometimes we\u2019re alone. Sometimes we want nothing more "
            "than for this whole thing to end.",
            "But sometimes we\u2019re doing okay.",
            "Sometimes we\u2019re doing small things, like checking in on an older neighbour. "
            "Sometimes we\u2019re doing things that are a little bigger, like joining a local "
            "group to protect the most vulnerable around us. And sometimes we come together as "
            "one, like when we stood on our balconies and proudly clapped for our carers.",
        ],
    ),
    (
        "We've been facing it together",
        [
            "What we\u2019re now realising is that while some are suffering more than others and "
            "we\u2019re all coping in our own ways, we\u2019re facing this challenge together. We "
            "are a community, from next door to national. And these small acts of goodwill can "
            "snowball, growing bigger and bigger until an untold number of people are affected.",
            "We\u2019re learning that every little connection helps. That doing good for someone "
            "else means there\u2019s more of a chance that someone else will be inspired and do "
            "good for you. That the daisy chain of kindness is growing unbreakably strong.",
        ],
    ),
    (
        "There's no going back",
        [
            "Once this is all over, we can\u2019t forget that strength we\u2019ve created. We have "
            "to remember going above and beyond and make sure that\u2019s just the new normal. We "
            "have to remember to look out for each other, to take care of one another and make "
            "sure we\u2019re all doing ok.",
            "And we can do that, as long as we remember that we make community.",
            "And that community makes us.",
        ],
    ),
]
ROSE_QUOTE = (
    "During lockdown, I have spent a lot of time thinking about \u2018what kind of human being am "
    "I going to be beyond COVID-19?\u2019 I have found myself wishing that the world could remain "
    "like this with its positivity, connection and love for one another"
)
COVENTRY_CLOSING = (
    "We can do more great things together",
    [
        "What do you want the end of the COVID-19 story to look like in Coventry?",
        "We want to see a city where people keep coming together with the empathy and kindness "
        "that\u2019s blossomed this Spring and the leaders of change come from all walks of life.",
        "Challenges lie ahead. But now is the time to begin the journey. We\u2019re inviting you "
        "to join a movement. It\u2019s called Connecting for Good.",
    ],
)

# The toolkit's ready-to-post words: the campaign's own sentences (seeds), nothing attributed
# to anyone; the campaign's link is added where the demo knows it.
TOOLKIT_SOCIAL_POSTS = [
    (
        "Post for Facebook or Instagram",
        "Right now when so much of our lives have changed the small ways we can connect with "
        "each other mean more than ever. #CommunityMakesUs",
    ),
    (
        "Post for X or Threads",
        "Let\u2019s remember that we are the ones that make our community. And our community "
        "makes us. #CommunityMakesUs",
    ),
    (
        "Post for LinkedIn",
        "It\u2019s a chance to build stronger, kinder better-connected communities. It\u2019s a "
        "change we need, not just now, in the worst of times, but always. #CommunityMakesUs",
    ),
    (
        "Post about the manifesto",
        "We\u2019re learning that everyone has value. That every little connection helps. That "
        "the daisy chain of kindness is growing unbreakably strong. #CommunityMakesUs",
    ),
]
TOOLKIT_EMAIL_SUBJECT = "Community Makes Us"
TOOLKIT_EMAIL_BODY = [
    CAMPAIGN_INTRO,
    "More of us are remembering to look out for each other, to take care of one another, to be "
    "there for one another. We see that people are trying new things and developing different "
    "habits and that this is a chance to really change the way we see each other, the places "
    "we live and how we each fit in.",
    "Let\u2019s remember that we are the ones that make our community. And our community makes us.",
]
TOOLKIT_HOW_TO_JOIN = FAQ[4][1]  # "Can I sign up? And how?"
TOOLKIT_PICTURE_ALT = "Two neighbours chatting over a pot of tea at a cafe table"
ORLA_AND_JEAN_ALT = "Orla waving to her friend Jean through a window, a book left on the sill"
