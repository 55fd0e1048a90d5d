"""Demo films, people, critics and reviews for `manage.py load_demo`.

Facts (titles, years, credits, ratings, runtimes, release dates) are those of real films; the
reviews, bios and book titles are written for this demo. Posters are original typographic art
drawn here with Pillow. Idempotent: rows are found by slug and created only when missing, and
an image is drawn only when its field is empty, so a second run changes nothing.
"""

import datetime
import io
import textwrap
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from reviewsite.images import clean_upload

from .models import Book, Credit, Critic, Film, Genre, Person, Review

D, W, C = Credit.Role.DIRECTOR, Credit.Role.WRITER, Credit.Role.CAST

GENRES = [
    "Action",
    "Adventure",
    "Animation",
    "Comedy",
    "Crime",
    "Drama",
    "Family",
    "Fantasy",
    "Horror",
    "Romance",
    "Science Fiction",
    "Thriller",
]

# name: known for
PEOPLE_KNOWN_FOR = {
    "Steven Spielberg": "Jaws",
    "Ridley Scott": "Blade Runner",
    "Jonathan Demme": "Stop Making Sense",
    "Harold Ramis": "Caddyshack",
    "Joel Coen": "No Country for Old Men",
    "Hayao Miyazaki": "My Neighbor Totoro",
    "George Miller": "Mad Max",
    "Jordan Peele": "Us",
    "Bong Joon Ho": "Memories of Murder",
    "Barry Jenkins": "If Beale Street Could Talk",
    "Paul King": "Paddington",
    "Michael Curtiz": "The Adventures of Robin Hood",
    "Daniel Kwan": "Swiss Army Man",
    "Daniel Scheinert": "Swiss Army Man",
    "Brad Bird": "The Incredibles",
}

CRITICS = [
    {
        "slug": "margaret-hale",
        "name": "Margaret Hale",
        "title": "Head film critic",
        "tenure_from": 2009,
        "bio": "Margaret Hale has been the weekly's head film critic since 2009. Before that she ran the "
        "repertory programme at the Rialto for a decade, threading 35mm prints and writing the calendar notes "
        "nobody else wanted to write. She still thinks the best seat is seven rows back, on the aisle.",
        "books": [("The Long Dissolve: Notes on Movies and Memory", 2016), ("Second Features", 2021)],
        "account": "critic",
        "colour": (122, 31, 31),
    },
    {
        "slug": "desmond-okafor",
        "name": "Desmond Okafor",
        "title": "Film critic",
        "tenure_from": 2015,
        "bio": "Desmond Okafor covers new releases, genre films and anything with a midnight screening. He came "
        "to the paper from its music desk and still reviews scores as closely as scripts.",
        "books": [("Night Shift at the Drive-In", 2019)],
        "colour": (30, 70, 110),
    },
    {
        "slug": "ruth-calloway",
        "name": "Ruth Calloway",
        "title": "Critic at large",
        "tenure_from": 1988,
        "tenure_until": 2019,
        "bio": "Ruth Calloway wrote the weekly's film column for thirty-one years and still sends us the "
        "occasional essay on an old favourite. Her rule: see it twice before you call it a masterpiece, "
        "once before you call it a mess.",
        "books": [
            ("Balcony Seats", 1997),
            ("The Projectionist's Daughter", 2008),
            ("Thirty-One Years in the Dark", 2020),
        ],
        "colour": (60, 90, 50),
    },
]

FILMS = [
    {
        "title": "Jaws",
        "year": 1975,
        "release_date": datetime.date(1975, 6, 20),
        "runtime": 124,
        "rating": "PG",
        "reason": "",
        "genres": ["Adventure", "Thriller"],
        "country": "United States",
        "language": "English",
        "synopsis": "When a great white shark starts taking swimmers off Amity Island at the start of the summer "
        "season, the town's police chief, a marine biologist and a grizzled shark hunter go out to sea to "
        "kill it.",
        "credits": [
            (D, "Steven Spielberg", ""),
            (W, "Peter Benchley", ""),
            (W, "Carl Gottlieb", ""),
            (C, "Roy Scheider", "Martin Brody"),
            (C, "Robert Shaw", "Quint"),
            (C, "Richard Dreyfuss", "Matt Hooper"),
            (Credit.Role.COMPOSER, "John Williams", ""),
        ],
        "palette": ((8, 40, 70), (230, 240, 245)),
    },
    {
        "title": "Raiders of the Lost Ark",
        "year": 1981,
        "release_date": datetime.date(1981, 6, 12),
        "runtime": 115,
        "rating": "PG",
        "reason": "",
        "genres": ["Adventure", "Action"],
        "country": "United States",
        "language": "English",
        "synopsis": "In 1936 the archaeologist Indiana Jones races a team of Nazi agents across Nepal and Egypt "
        "to find the Ark of the Covenant before they can put it to use.",
        "credits": [
            (D, "Steven Spielberg", ""),
            (W, "Lawrence Kasdan", ""),
            (C, "Harrison Ford", "Indiana Jones"),
            (C, "Karen Allen", "Marion Ravenwood"),
            (C, "Paul Freeman", "René Belloq"),
            (C, "John Rhys-Davies", "Sallah"),
            (Credit.Role.COMPOSER, "John Williams", ""),
        ],
        "palette": ((150, 90, 30), (250, 230, 180)),
    },
    {
        "title": "Alien",
        "year": 1979,
        "release_date": datetime.date(1979, 5, 25),
        "runtime": 117,
        "rating": "R",
        "reason": "",
        "genres": ["Horror", "Science Fiction"],
        "country": "United Kingdom",
        "language": "English",
        "synopsis": "The crew of the commercial towing ship Nostromo answer a distress call from an unknown "
        "planet and bring something back on board.",
        "credits": [
            (D, "Ridley Scott", ""),
            (W, "Dan O'Bannon", ""),
            (C, "Sigourney Weaver", "Ripley"),
            (C, "Tom Skerritt", "Dallas"),
            (C, "John Hurt", "Kane"),
            (C, "Ian Holm", "Ash"),
        ],
        "palette": ((15, 20, 15), (170, 230, 170)),
    },
    {
        "title": "The Silence of the Lambs",
        "year": 1991,
        "release_date": datetime.date(1991, 2, 14),
        "runtime": 118,
        "rating": "R",
        "reason": "",
        "genres": ["Thriller", "Crime"],
        "country": "United States",
        "language": "English",
        "synopsis": "An FBI trainee is sent to interview an imprisoned psychiatrist and cannibal in the hope that "
        "he can help her catch a serial killer who is still at large.",
        "credits": [
            (D, "Jonathan Demme", ""),
            (W, "Ted Tally", ""),
            (C, "Jodie Foster", "Clarice Starling"),
            (C, "Anthony Hopkins", "Dr. Hannibal Lecter"),
            (C, "Scott Glenn", "Jack Crawford"),
        ],
        "palette": ((60, 50, 60), (235, 215, 200)),
    },
    {
        "title": "Groundhog Day",
        "year": 1993,
        "release_date": datetime.date(1993, 2, 12),
        "runtime": 101,
        "rating": "PG",
        "reason": "",
        "genres": ["Comedy", "Romance", "Fantasy"],
        "country": "United States",
        "language": "English",
        "synopsis": "A sour Pittsburgh weatherman sent to cover the Groundhog Day festivities in Punxsutawney "
        "wakes up every morning to find it is February 2 again.",
        "credits": [
            (D, "Harold Ramis", ""),
            (W, "Danny Rubin", ""),
            (C, "Bill Murray", "Phil Connors"),
            (C, "Andie MacDowell", "Rita"),
            (C, "Chris Elliott", "Larry"),
        ],
        "palette": ((200, 225, 240), (40, 60, 110)),
    },
    {
        "title": "Fargo",
        "year": 1996,
        "release_date": datetime.date(1996, 3, 8),
        "runtime": 98,
        "rating": "R",
        "reason": "",
        "genres": ["Crime", "Comedy", "Thriller"],
        "country": "United States",
        "language": "English",
        "synopsis": "A Minneapolis car salesman in debt hires two small-time crooks to kidnap his own wife, "
        "and a very pregnant small-town police chief follows the trail of bodies they leave behind.",
        "credits": [
            (D, "Joel Coen", ""),
            (W, "Ethan Coen", ""),
            (C, "Frances McDormand", "Marge Gunderson"),
            (C, "William H. Macy", "Jerry Lundegaard"),
            (C, "Steve Buscemi", "Carl Showalter"),
            (C, "Peter Stormare", "Gaear Grimsrud"),
        ],
        "palette": ((240, 240, 236), (150, 20, 20)),
    },
    {
        "title": "Spirited Away",
        "year": 2001,
        "release_date": datetime.date(2002, 9, 20),
        "runtime": 125,
        "rating": "PG",
        "reason": "for some scary moments",
        "genres": ["Animation", "Fantasy", "Family"],
        "country": "Japan",
        "language": "Japanese",
        "synopsis": "Ten-year-old Chihiro wanders into a spirit world while her family is moving house, and "
        "has to work in a bathhouse for gods to free her parents from a witch's spell.",
        "credits": [
            (D, "Hayao Miyazaki", ""),
            (W, "Hayao Miyazaki", ""),
            (C, "Rumi Hiiragi", "Chihiro (voice)"),
            (C, "Miyu Irino", "Haku (voice)"),
            (C, "Mari Natsuki", "Yubaba (voice)"),
            (Credit.Role.COMPOSER, "Joe Hisaishi", ""),
        ],
        "palette": ((180, 40, 50), (250, 220, 150)),
    },
    {
        "title": "Mad Max: Fury Road",
        "year": 2015,
        "release_date": datetime.date(2015, 5, 15),
        "runtime": 120,
        "rating": "R",
        "reason": "for intense sequences of violence throughout, and for disturbing images",
        "genres": ["Action", "Science Fiction", "Adventure"],
        "country": "Australia",
        "language": "English",
        "synopsis": "In a desert wasteland, the war rig driver Imperator Furiosa flees a tyrant with the five "
        "women he keeps as wives, and a captured drifter named Max ends up along for the ride.",
        "credits": [
            (D, "George Miller", ""),
            (W, "George Miller", ""),
            (C, "Tom Hardy", "Max Rockatansky"),
            (C, "Charlize Theron", "Imperator Furiosa"),
            (C, "Nicholas Hoult", "Nux"),
            (C, "Hugh Keays-Byrne", "Immortan Joe"),
        ],
        "palette": ((230, 110, 30), (30, 20, 15)),
    },
    {
        "title": "Get Out",
        "year": 2017,
        "release_date": datetime.date(2017, 2, 24),
        "runtime": 104,
        "rating": "R",
        "reason": "for violence, bloody images, and language including sexual references",
        "genres": ["Horror", "Thriller"],
        "country": "United States",
        "language": "English",
        "synopsis": "A young photographer goes with his girlfriend to meet her parents at their country house "
        "for the weekend, and their welcome is warmer, and stranger, than he expected.",
        "credits": [
            (D, "Jordan Peele", ""),
            (W, "Jordan Peele", ""),
            (C, "Daniel Kaluuya", "Chris Washington"),
            (C, "Allison Williams", "Rose Armitage"),
            (C, "Catherine Keener", "Missy Armitage"),
            (C, "Bradley Whitford", "Dean Armitage"),
            (C, "LilRel Howery", "Rod Williams"),
        ],
        "palette": ((245, 245, 240), (20, 20, 20)),
    },
    {
        "title": "Parasite",
        "year": 2019,
        "release_date": datetime.date(2019, 10, 11),
        "runtime": 132,
        "rating": "R",
        "reason": "for language, some violence and sexual content",
        "genres": ["Thriller", "Comedy", "Drama"],
        "country": "South Korea",
        "language": "Korean",
        "synopsis": "The Kims, a family getting by folding pizza boxes in a basement flat, talk their way one "
        "by one into jobs with the wealthy Park family.",
        "credits": [
            (D, "Bong Joon Ho", ""),
            (W, "Bong Joon Ho", ""),
            (W, "Han Jin-won", ""),
            (C, "Song Kang-ho", "Kim Ki-taek"),
            (C, "Choi Woo-shik", "Kim Ki-woo"),
            (C, "Park So-dam", "Kim Ki-jung"),
            (C, "Cho Yeo-jeong", "Park Yeon-kyo"),
            (C, "Lee Sun-kyun", "Park Dong-ik"),
        ],
        "palette": ((40, 45, 50), (210, 200, 120)),
    },
    {
        "title": "Moonlight",
        "year": 2016,
        "release_date": datetime.date(2016, 10, 21),
        "runtime": 111,
        "rating": "R",
        "reason": "for some sexuality, drug use, brief violence, and language throughout",
        "genres": ["Drama"],
        "country": "United States",
        "language": "English",
        "synopsis": "Three chapters in the life of Chiron, growing up in Liberty City, Miami: as a bullied boy, "
        "a withdrawn teenager and a guarded grown man.",
        "credits": [
            (D, "Barry Jenkins", ""),
            (W, "Barry Jenkins", ""),
            (C, "Trevante Rhodes", "Chiron (adult)"),
            (C, "Ashton Sanders", "Chiron (teen)"),
            (C, "Alex Hibbert", "Chiron (child)"),
            (C, "Mahershala Ali", "Juan"),
            (C, "Naomie Harris", "Paula"),
            (C, "Janelle Monáe", "Teresa"),
        ],
        "palette": ((20, 40, 90), (120, 200, 230)),
    },
    {
        "title": "Paddington 2",
        "year": 2017,
        "release_date": datetime.date(2018, 1, 12),
        "runtime": 103,
        "rating": "PG",
        "reason": "for some action and mild rude humor",
        "genres": ["Family", "Comedy", "Adventure"],
        "country": "United Kingdom",
        "language": "English",
        "synopsis": "Paddington takes odd jobs to buy his aunt a rare pop-up book for her hundredth birthday, "
        "and is framed when the book is stolen.",
        "credits": [
            (D, "Paul King", ""),
            (W, "Paul King", ""),
            (W, "Simon Farnaby", ""),
            (C, "Ben Whishaw", "Paddington (voice)"),
            (C, "Hugh Grant", "Phoenix Buchanan"),
            (C, "Hugh Bonneville", "Henry Brown"),
            (C, "Sally Hawkins", "Mary Brown"),
            (C, "Brendan Gleeson", "Knuckles McGinty"),
        ],
        "palette": ((30, 60, 130), (240, 60, 50)),
    },
    {
        "title": "Casablanca",
        "year": 1942,
        "release_date": datetime.date(1943, 1, 23),
        "runtime": 102,
        "rating": "PG",
        "reason": "",
        "genres": ["Drama", "Romance"],
        "country": "United States",
        "language": "English",
        "synopsis": "In wartime Casablanca, the cynical owner of a nightclub holds two letters of transit that "
        "could get a resistance leader and his wife, the woman who once left him, out to Lisbon.",
        "credits": [
            (D, "Michael Curtiz", ""),
            (W, "Julius J. Epstein", ""),
            (W, "Philip G. Epstein", ""),
            (W, "Howard Koch", ""),
            (C, "Humphrey Bogart", "Rick Blaine"),
            (C, "Ingrid Bergman", "Ilsa Lund"),
            (C, "Paul Henreid", "Victor Laszlo"),
            (C, "Claude Rains", "Captain Louis Renault"),
        ],
        "palette": ((25, 25, 25), (220, 200, 160)),
    },
    {
        "title": "Everything Everywhere All at Once",
        "year": 2022,
        "release_date": datetime.date(2022, 3, 25),
        "runtime": 139,
        "rating": "R",
        "reason": "for some violence, sexual material and language",
        "genres": ["Science Fiction", "Comedy", "Action"],
        "country": "United States",
        "language": "English",
        "synopsis": "A laundromat owner being audited by the IRS learns that she is the one version of herself, "
        "across countless universes, who might stop a force that wants to swallow all of them.",
        "credits": [
            (D, "Daniel Kwan", ""),
            (D, "Daniel Scheinert", ""),
            (C, "Michelle Yeoh", "Evelyn Wang"),
            (C, "Ke Huy Quan", "Waymond Wang"),
            (C, "Stephanie Hsu", "Joy Wang"),
            (C, "James Hong", "Gong Gong"),
            (C, "Jamie Lee Curtis", "Deirdre Beaubeirdre"),
        ],
        "palette": ((90, 20, 110), (250, 200, 60)),
    },
    {
        "title": "The Iron Giant",
        "year": 1999,
        "release_date": datetime.date(1999, 8, 6),
        "runtime": 86,
        "rating": "PG",
        "reason": "for fantasy action and mild language",
        "genres": ["Animation", "Family", "Science Fiction"],
        "country": "United States",
        "language": "English",
        "synopsis": "In 1957 Maine, a boy befriends a giant metal robot that fell from the sky, and has to hide "
        "it from a government agent who is sure it is a weapon.",
        "credits": [
            (D, "Brad Bird", ""),
            (W, "Tim McCanlies", ""),
            (C, "Eli Marienthal", "Hogarth Hughes (voice)"),
            (C, "Vin Diesel", "The Iron Giant (voice)"),
            (C, "Jennifer Aniston", "Annie Hughes (voice)"),
            (C, "Harry Connick Jr.", "Dean McCoppin (voice)"),
        ],
        "palette": ((70, 80, 90), (240, 170, 60)),
    },
]

# film title: (critic slug, headline, lowdown, stars, days ago, body)
REVIEWS = {
    "Jaws": (
        "ruth-calloway",
        "The summer the water got scary",
        "Fifty years on, still the best argument for keeping the monster off screen.",
        "5",
        3,
        """Everybody knows the story of the mechanical shark that kept breaking down, and how the
breakdowns forced Steven Spielberg to suggest the animal instead of showing it. What gets lost in the
legend is how *funny* the film is, and how busy: Amity is a real town of committees and bad decisions,
and the first hour is as much about a mayor who will not close the beaches as about anything in the water.

Roy Scheider plays Brody as a man who is afraid of the sea and takes the job anyway, which is the whole
film in one sentence. Richard Dreyfuss is the clever kid; Robert Shaw is the old sailor who has seen too
much. Put the three of them on a small boat and the picture becomes a chamber piece with a score.

:::spoiler
Quint's Indianapolis speech, delivered late at night over drinks, is the scariest thing in the film and
there is not a shark in sight. When the animal finally comes for him, we already know he has been waiting
for it since 1945.
:::

> You're gonna need a bigger boat.

You are. You always will.""",
    ),
    "Raiders of the Lost Ark": (
        "margaret-hale",
        "A serial, polished until it shines",
        "The cliffhanger matinee, remade by people who loved it and knew exactly why.",
        "4.5",
        6,
        """The first ten minutes of *Raiders of the Lost Ark* are a complete short film: a jungle, a
temple, a golden idol, a boulder, a betrayal and a seaplane. By the time the title has faded you know
who Indiana Jones is, what he is good at and what he is bad at, and nobody has stopped running.

Harrison Ford gives the hero a weariness the old serials never had; he gets hurt, and it shows. Karen
Allen's Marion, who out-drinks a mountain of a man in her own bar in Nepal, is the best thing in the
picture and the film knows it.

:::spoiler what happens when the Ark is opened
The climax is a joke on the hero as much as a reward: Indy wins by shutting his eyes and doing nothing,
while the villains who look get exactly what they came for.
:::

Lawrence Kasdan's script and John Williams's march carry the rest. It is the most purely enjoyable two
hours Steven Spielberg has put on a screen.""",
    ),
    "Alien": (
        "desmond-okafor",
        "In space, everyone can hear you sweat",
        "A haunted-house picture on a space freighter, and the blueprint for forty years of imitators.",
        "5",
        9,
        """Ridley Scott's *Alien* spends its first forty minutes on a crew of tired, underpaid people who
bicker about bonuses. That is the trick: by the time the ship's computer wakes them for a detour, we
believe in the Nostromo as a workplace, with its dripping chains and blinking consoles, and we are
afraid for the workers inside it.

Sigourney Weaver's Ripley is not announced as the lead. She is the one who follows the rules when the
others do not, and the film rewards her slowly. Ian Holm is unsettling in a way you cannot place until
you can.

:::spoiler
The dinner scene is still a shock because it starts as the happiest moment in the film: Kane is awake,
hungry and joking. Then he starts to choke.
:::

The creature design is justly famous, but the sound design does half the work: listen to how little
music there is, and how much breathing.""",
    ),
    "The Silence of the Lambs": (
        "ruth-calloway",
        "Look him in the eye",
        "A thriller about being looked at, built on two of the great screen performances.",
        "5",
        12,
        """Jonathan Demme shoots the conversations between Clarice Starling and Hannibal Lecter straight
into the lens, so that each of them seems to be talking to us. It is an uncomfortable, brilliant choice:
we are inside the glass cell, and inside Clarice's head as she decides how much of herself to trade for
what she needs.

Jodie Foster plays a young woman surrounded by men who stare at her, from the FBI classroom to the
asylum corridor, and the film never makes a speech about it; it just keeps framing the stares. Anthony
Hopkins is on screen for about sixteen minutes and owns every one of them.

The procedural plot is tight and the final sequence in the dark is as frightening as anything the genre
has produced. But it is the talk you remember.""",
    ),
    "Groundhog Day": (
        "margaret-hale",
        "Again, and again, and better",
        "A comedy with one joke that turns out to be about everything.",
        "5",
        15,
        """The premise of *Groundhog Day* could have carried a sketch: a weatherman who hates his
assignment wakes up on the same February 2, over and over. Harold Ramis and Danny Rubin keep asking what
that would really be like, and the answers go from gleeful to bleak to, finally, something close to grace.

Bill Murray was made for this. His Phil Connors is a heel who is funny because he is a heel, and the
film lets the meanness curdle before it lets him change. Andie MacDowell has the harder job, meeting him
fresh every morning, and she makes Rita's kindness credible rather than saintly.

:::spoiler how the loop ends
It ends not when Phil wins Rita over but when he stops trying to: a day spent helping the town, learning
the piano and saving a choking man, lived for its own sake. The loop breaks the morning after he no
longer wants anything from it.
:::

It gets better every time you see it, which is the film's own argument.""",
    ),
    "Fargo": (
        "desmond-okafor",
        "Yah, it's a crime picture",
        "Snow, bad plans and one very good cop: the Coens at their sharpest and kindest.",
        "4.5",
        18,
        """*Fargo* opens with a title card claiming a true story, which it is not, and then a car
towing another car through a white-out, which is the whole movie: a bad idea pulled along by a worse one.

William H. Macy's Jerry Lundegaard is a man who lies so badly you want to look away, and Steve Buscemi
and Peter Stormare are the two worst kidnappers the Midwest has seen. The plan falls apart at once; the
pleasure is in watching each of them insist it has not.

Then, a third of the way in, Frances McDormand arrives as Marge Gunderson, seven months pregnant,
polite, unhurried and smarter than everyone in the picture. The film quietly becomes about her decency.

:::spoiler
Her last scene, in bed with her husband talking about his duck stamp, is the warmest thing the Coens have
filmed, and it comes right after the woodchipper.
:::""",
    ),
    "Spirited Away": (
        "margaret-hale",
        "A bathhouse for the gods, and a girl who grows up in it",
        "Miyazaki's richest world, seen through the eyes of a sulky ten-year-old who becomes brave.",
        "5",
        21,
        """Chihiro begins the film slumped in the back seat of the family car, annoyed about moving
house. Hayao Miyazaki never asks us to find her charming; he asks us to watch her work. Most of
*Spirited Away* happens in the bathhouse of the witch Yubaba, where Chihiro scrubs tubs, runs errands and
earns her place, one chore at a time.

The invention is endless: a radish spirit in the lift, soot sprites carrying coal, a stink spirit who is
really a polluted river. None of it is explained, and none of it needs to be.

The quietest sequence is the best: a train ride across a flooded plain, with silent passengers and
nothing to do but look out of the window. Few animated films would dare it. Bring the children, and let
them be a little frightened.""",
    ),
    "Mad Max: Fury Road": (
        "desmond-okafor",
        "Two hours of forward motion",
        "An action film with the grammar of a silent movie and the engine of a war rig.",
        "5",
        24,
        """George Miller's return to the wasteland is essentially one long chase, there and back again, and
it is constructed with the clarity of a great silent comedy. Every shot is centred so you always know
where to look, which means that even at full speed you never lose track of who is on which vehicle.

Tom Hardy's Max barely speaks; he grunts, he bleeds and he gradually joins a story that is not his.
It belongs to Charlize Theron's Furiosa, with her shaved head and mechanical arm, driving five women away
from the man who owns them.

:::spoiler
The turn at the salt flats, when Max persuades everyone that the only way forward is back through the
Citadel, reverses the whole film and somehow makes it more exciting the second time down the road.
:::

Do not miss the guitarist strapped to the front of a truck. Nobody who sees it does.""",
    ),
    "Get Out": (
        "desmond-okafor",
        "Meet the parents, if you dare",
        "A horror film about politeness, and the funniest scary movie in years.",
        "4.5",
        27,
        """Jordan Peele's debut starts as a comedy of manners: a young Black photographer meets his white
girlfriend's liberal parents, who are so determined to be welcoming that every sentence lands wrong.
Bradley Whitford would have voted for Obama a third time, he tells Chris, and he means it as a comfort.

Daniel Kaluuya plays Chris with a watchful half-smile that keeps the audience on his side through every
awkward garden party. LilRel Howery, as his friend at the TSA, gets the laughs and, crucially, the
right ideas.

:::spoiler
The teacup and the silver spoon, and the Sunken Place beneath them, are one of the great images in
recent horror: a man falling forever while his own body sits politely in an armchair.
:::

It is frightening, it is angry and it is constructed like a watch.""",
    ),
    "Parasite": (
        "margaret-hale",
        "Upstairs, downstairs, and further down",
        "A con-artist comedy that turns, without a false step, into something much darker.",
        "5",
        30,
        """For its first hour *Parasite* is a heist film in which the loot is employment. The Kims, living
half below street level, talk their way into the Parks' modernist house as tutor, art therapist,
driver and housekeeper, and Bong Joon Ho stages each scheme with such glee that we are cheering them on.

Song Kang-ho, as the father, is wonderful as a man who keeps a plan for everything and believes none of
them. Cho Yeo-jeong plays the trusting Mrs. Park so lightly that her gullibility never becomes a joke at
her expense.

:::spoiler the second half
Then the old housekeeper rings the bell on a stormy night, and we learn what is under the house. The
film's architecture becomes its argument: there is always someone lower down, and the flood that is a
nuisance upstairs is a catastrophe in the basement.
:::

Go in knowing as little as you can.""",
    ),
    "Moonlight": (
        "ruth-calloway",
        "Three ages of a quiet man",
        "Tender, precise and overwhelming: a life in three chapters that feels like a lifetime.",
        "5",
        33,
        """Barry Jenkins tells the story of Chiron in three parts, each with a different actor, and the
miracle is that we never doubt it is the same person. Alex Hibbert, Ashton Sanders and Trevante Rhodes
share a way of holding the body, of looking down and then, rarely, up.

Mahershala Ali, as the drug dealer Juan who teaches the boy to float in the sea, is only in the first
chapter, but his kindness hangs over the rest of the film. Naomie Harris plays Chiron's mother across
all three with a frightening, then heartbreaking, honesty.

The colours, all blues and neon pinks, and the music, which slows hip-hop into something like a hymn,
make Miami look like nowhere else in the movies. The last chapter, mostly a conversation in a diner, is
as suspenseful as any thriller.""",
    ),
    "Paddington 2": (
        "margaret-hale",
        "The kindest film of the decade",
        "A marmalade-scented caper with a heart the size of a pop-up book.",
        "4.5",
        36,
        """There are films that are good for you and films that are fun, and *Paddington 2* is both
without ever seeming to try. The bear takes odd jobs to buy a pop-up book of London for his aunt, the
book is stolen, and Paddington is sent to prison, where he reforms the kitchen.

Paul King directs with a picture-book precision, all doll's-house sets and tracking shots, and the jokes
are built like clockwork. Hugh Grant, as a vain actor reduced to dog-food commercials, gives the
performance of his career, with costumes.

:::spoiler
The last scene, when Aunt Lucy walks through the Browns' door, made an entire screening of adults cry,
this critic included.
:::

Ben Whishaw's voice is gentleness itself. If you are kind and polite, the film says, the world will be
right. For 103 minutes, you believe it.""",
    ),
    "Casablanca": (
        "ruth-calloway",
        "Of all the gin joints",
        "The studio system's happiest accident: every line a quotation, every face a story.",
        "5",
        39,
        """*Casablanca* was not supposed to be a classic. It was a Warner Bros. picture made on the usual
schedule, with rewrites arriving on set. Somehow every piece clicked: Michael Curtiz's restless camera,
the crowd of exiles in Rick's café, and Humphrey Bogart finding in Rick Blaine the wounded romantic
behind the tough guy.

Ingrid Bergman has never been lovelier, and she plays Ilsa's divided heart without a trace of
self-pity. Claude Rains steals every scene he is in as the cheerfully corrupt Captain Renault.

:::spoiler
The ending at the airport, with Rick putting Ilsa on the plane with Laszlo and walking off into the fog
with Renault, is one of the great renunciations in the movies, and one of the great beginnings.
:::

The singing of "La Marseillaise" over the Germans in the café still brings a lump to the throat.""",
    ),
    "Everything Everywhere All at Once": (
        "desmond-okafor",
        "The multiverse, folded into a laundromat",
        "Exhausting, ridiculous and moving, often in the same shot.",
        "4",
        2,
        """The Daniels throw everything at the screen: kung fu with trophies, a universe where people have
hot dogs for fingers, a pair of rocks having a conversation in subtitles. It should be unbearable.
That it works is down to Michelle Yeoh, who plays Evelyn Wang as a tired woman doing her taxes and makes
each alternate version of her feel like a life she might have chosen.

Ke Huy Quan, as her gentle husband Waymond, gives the film its soul; his speech about kindness in the
middle of a fight is the scene people will remember. Stephanie Hsu is fierce and funny as their daughter.

It is twenty minutes too long and knows it. But the film's great idea, that a mother's attention is
the thing that holds a universe together, lands with real force.""",
    ),
    "The Iron Giant": (
        "margaret-hale",
        "Superman, not a gun",
        "A boy-and-his-robot story told with real feeling and perfect period detail.",
        "4.5",
        42,
        """Brad Bird's first feature flopped in cinemas and has been finding its audience ever since. It
is set in a small Maine town in 1957, the autumn of Sputnik, duck-and-cover drills and comic books, and
its fifty-foot robot learns about the world from Hogarth, a nine-year-old with a vivid imagination.

The Giant, voiced with a handful of words by Vin Diesel, has a gun inside him and a choice to make.
Harry Connick Jr. is drily funny as a beatnik scrap-yard artist, and the government agent hunting the
robot is a perfect cartoon of paranoia.

:::spoiler
When the missile is coming down on the town, the Giant flies up to meet it and says one word:
"Superman." There is not a dry eye in the house, and there should not be.
:::

The hand-drawn animation has aged beautifully. This is one for every family shelf.""",
    ),
}

# Unpublished examples for the staff preview: (film, critic, headline, status, days from now)
EXTRA_REVIEWS = [
    ("Jaws", "desmond-okafor", "Second opinion: the shark still works", "draft", 0),
    ("Parasite", "ruth-calloway", "Parasite, seen twice", "published", 5),
]


def load():
    genres = {
        name: Genre.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in GENRES
    }
    critics = {spec["slug"]: _critic(spec) for spec in CRITICS}
    films = {spec["title"]: _film(spec, genres) for spec in FILMS}
    now = timezone.now()
    for title, (critic_slug, headline, lowdown, stars, days_ago, body) in REVIEWS.items():
        film = films[title]
        Review.objects.get_or_create(
            film=film,
            critic=critics[critic_slug],
            defaults={
                "slug": slugify(f"{film.title} {film.year}"),
                "headline": headline,
                "lowdown": lowdown,
                "stars": Decimal(stars),
                "body": textwrap.dedent(body).strip(),
                "status": Review.Status.PUBLISHED,
                "published_at": now - datetime.timedelta(days=days_ago, hours=3),
            },
        )
    for title, critic_slug, headline, status, days_ahead in EXTRA_REVIEWS:
        film = films[title]
        Review.objects.get_or_create(
            film=film,
            critic=critics[critic_slug],
            defaults={
                "slug": slugify(f"{film.title} {critic_slug}"),
                "headline": headline,
                "lowdown": "An unpublished example: staff see it with a banner, readers get a 404.",
                "stars": Decimal("4"),
                "body": "Notes for a second look.\n\n:::spoiler\nThe ending, again.\n:::",
                "status": status,
                "published_at": now + datetime.timedelta(days=days_ahead),
            },
        )
    _site()


def _critic(spec):
    critic, created = Critic.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "title": spec["title"],
            "tenure_from": spec.get("tenure_from"),
            "tenure_until": spec.get("tenure_until"),
            "bio": spec["bio"],
        },
    )
    if created:
        for order, (title, year) in enumerate(spec["books"]):
            Book.objects.create(critic=critic, title=title, year=year, order=order)
    if not critic.headshot:
        upload = _upload(_monogram(spec["name"], spec["colour"]))
        critic.headshot.save(upload.name, upload, save=False)
        critic.save()
    if spec.get("account"):
        _link_account(critic, spec["account"])
    return critic


def _link_account(critic, username):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return
    if critic.account_id != user.pk:
        critic.account = user
        critic.save()
    if not user.is_staff:
        # Critics write in the admin.
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    group = Group.objects.filter(name="Critics").first()
    if group is not None:
        user.groups.add(group)


def _film(spec, genres):
    film, created = Film.objects.get_or_create(
        slug=slugify(f"{spec['title']} {spec['year']}"),
        defaults={
            "title": spec["title"],
            "year": spec["year"],
            "release_date": spec["release_date"],
            "runtime_minutes": spec["runtime"],
            "mpaa_rating": spec["rating"],
            "mpaa_reason": spec["reason"],
            "synopsis": spec["synopsis"],
            "country": spec["country"],
            "language": spec["language"],
        },
    )
    if created:
        film.genres.set([genres[name] for name in spec["genres"]])
        for order, (role, name, character) in enumerate(spec["credits"]):
            person, _ = Person.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "known_for": PEOPLE_KNOWN_FOR.get(name, "")}
            )
            Credit.objects.get_or_create(
                film=film,
                person=person,
                role=role,
                character_name=character,
                defaults={"billing_order": order},
            )
    if not film.poster:
        directors = [name for role, name, _ in spec["credits"] if role == D]
        art = _poster(spec["title"], spec["year"], " & ".join(directors), *spec["palette"])
        upload = _upload(art)
        film.poster.save(upload.name, upload, save=False)
        film.save()
    return film


def _site():
    site = Site.objects.filter(pk=settings.SITE_ID).first()
    if site is not None and site.domain == "example.com":
        site.domain, site.name = "127.0.0.1:8000", settings.MARQUEE_SITE_NAME
        site.save()


def _upload(image):
    """Run generated art through the same pipeline as an upload."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return clean_upload(ContentFile(buffer.getvalue(), name="art.png"))


def _fit_lines(draw, text, max_width, start_size, min_size=28):
    size = start_size
    while size >= min_size:
        font = ImageFont.load_default(size=size)
        words, lines, line = text.upper().split(), [], ""
        for word in words:
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) <= max_width:
                line = candidate
            else:
                if line:
                    lines.append(line)
                line = word
        lines.append(line)
        if all(draw.textlength(each, font=font) <= max_width for each in lines) and len(lines) <= 4:
            return font, lines
        size -= 6
    return ImageFont.load_default(size=min_size), textwrap.wrap(text.upper(), 14)


def _poster(title, year, director, background, ink):
    """Original typographic poster art: 600 x 900, title block, rules and a sun disc."""
    width, height = 600, 900
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    # A large disc partly off the top edge, and a band of thin rules: simple, bold shapes.
    draw.ellipse((width * 0.18, -height * 0.12, width * 1.1, height * 0.5), fill=_mix(background, ink, 0.22))
    for offset in range(0, 90, 12):
        y = int(height * 0.4) + offset
        draw.line((40, y, width - 40, y), fill=_mix(background, ink, 0.45), width=2)
    font, lines = _fit_lines(draw, title, width - 80, 96)
    line_height = font.getbbox("AY")[3] + 10
    # The title block sits above the credit line, however many lines it takes.
    y = max(int(height * 0.5), height - 100 - line_height * len(lines))
    for line in lines:
        draw.text((40, y), line, font=font, fill=ink)
        y += line_height
    small = ImageFont.load_default(size=26)
    draw.text((40, 48), str(year), font=small, fill=ink)
    credit, size = f"A FILM BY {director.upper()}", 26
    while size > 12 and draw.textlength(credit, font=ImageFont.load_default(size=size)) > width - 80:
        size -= 2
    credit_font = ImageFont.load_default(size=size)
    draw.text((40, height - 60), credit, font=credit_font, fill=_mix(ink, background, 0.25))
    draw.rectangle((20, 20, width - 21, height - 21), outline=_mix(background, ink, 0.6), width=3)
    return image


def _monogram(name, colour):
    image = Image.new("RGB", (384, 384), colour)
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=150)
    box = draw.textbbox((0, 0), initials, font=font)
    position = ((384 - (box[2] - box[0])) / 2 - box[0], (384 - (box[3] - box[1])) / 2 - box[1])
    draw.text(position, initials, font=font, fill=(250, 245, 235))
    return image


def _mix(a, b, amount):
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))
