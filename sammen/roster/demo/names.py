"""Names for the demo municipality: common in Norway for children born 2011–2020 and their parents.

Besides Norwegian names, the lists hold names from the largest immigrant groups in Norway (SSB):
Polish, Arabic-speaking (mostly Syrian), Somali, Ukrainian, Eritrean (Tigrinya), Vietnamese and
Afghan/Iranian (Persian/Dari). Each origin also says which language a guardian may prefer and how
the family usually names itself, because both shape how the school reaches the home.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sammen.roster.models import Language


@dataclass(frozen=True)
class Origin:
    key: str
    # The language a guardian of this origin may prefer for messages and meetings; ``None`` when
    # the choices have none to offer (the Language choices lack Vietnamese).
    language: str | None
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    family_names: tuple[str, ...]
    # In Somali, Eritrean, Arabic, Vietnamese and Afghan families the mother usually keeps her own
    # family name, so a guardian's surname often differs from the child's.
    mother_keeps_name: bool = False
    # Polish surnames in -ski/-cki take -ska/-cka for women and girls.
    gendered_surnames: bool = False


def _names(text: str) -> tuple[str, ...]:
    """Names written as one block of words: easier to read and extend than a tuple of strings."""
    return tuple(text.split())


NORWEGIAN = Origin(
    key="no",
    language=None,
    girls=_names(
        """
        Emma Nora Sara Sofie Olivia Ella Maja Ingrid Leah Frida Emilie Amalie Hedda
        Selma Astrid Tiril Thea Ida Vilde Aurora Hanna Julie Mathilde Sofia Linnea Iben
        Marie Eline Oda Live Tuva Mia Jenny Signe Sigrid Ingeborg Othilie Martine Andrea
        Ronja Eva Alma Agnes Kaja Synne Ylva Helene Victoria
        """
    ),
    boys=_names(
        """
        Jakob Emil Noah Oliver Filip William Lucas Liam Henrik Oskar Aksel Theodor Elias
        Kasper Magnus Johannes Isak Mathias Tobias Sander Jonas Ludvig Olav Adrian
        Markus Sebastian Even Ulrik Vetle Mikkel Syver Iver Håkon Eirik Sigurd Torstein
        Brage Storm Odin Herman Birk Edvard Kristian Martin Benjamin Alexander
        """
    ),
    women=_names(
        """
        Kari Anne Ingrid Marianne Hilde Camilla Silje Ida Maria Kristin Linn Ingvild
        Marte Hanne Elisabeth Tone Heidi Randi Siri Trine Stine Cecilie Monica Kristine
        Guro Lene Eva Nina Mona Ragnhild Therese Line Karoline Mari Tonje Ane Julie
        Sunniva Marit Åse Solveig Gunn Vibeke Anette Lise
        """
    ),
    men=_names(
        """
        Lars Ole Thomas Martin Anders Espen Kristian Morten Per Erik Bjørn Jan Tor Geir
        Stian Eirik Håkon Jørgen Kjetil Trond Rune Øyvind Andreas Christian Magnus
        Vegard Torbjørn Sindre Pål Hans Knut Arne Frode Even Sigurd Joakim Fredrik
        Henning Audun Steinar Ivar Terje Eivind Halvard Jon
        """
    ),
    family_names=_names(
        """
        Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen
        Johnsen Pettersen Eriksen Berg Haugen Hagen Johannessen Andreassen Jacobsen Dahl
        Jørgensen Halvorsen Henriksen Lund Sørensen Jakobsen Moen Gundersen Iversen
        Strand Solberg Svendsen Eide Knutsen Martinsen Paulsen Bakken Kristoffersen
        Mathisen Lie Amundsen Rasmussen Berge Lunde Moe Nygård Fredriksen Solheim Holm
        Aas Myhre Kvam Sandvik Haugland Bakke Tveit Rønning Vik Aasen Brekke Nesse
        Hovland Fjeld Nordby Sæther Løvås Ødegård Næss Bøe Sunde Røed Ulvik Hatlevik
        """
    ),
)

POLISH = Origin(
    key="pl",
    language=Language.PL,
    girls=_names(
        """
        Zofia Julia Maja Zuzanna Hanna Lena Alicja Natalia Oliwia Amelia Wiktoria Emilia
        Nikola Laura
        """
    ),
    boys=_names(
        """
        Jakub Antoni Jan Szymon Filip Kacper Mateusz Bartosz Wojciech Michał Igor Piotr
        Oskar Dawid
        """
    ),
    women=_names(
        """
        Anna Katarzyna Magdalena Agnieszka Joanna Monika Ewa Karolina Marta Aleksandra
        Justyna Beata Dorota Iwona
        """
    ),
    men=_names(
        """
        Piotr Tomasz Paweł Krzysztof Marcin Michał Łukasz Grzegorz Dariusz Mariusz Adam
        Rafał Sławomir Wojciech
        """
    ),
    family_names=_names(
        """
        Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński
        Szymański Woźniak Dąbrowski Kozłowski Mazur Jankowski Kwiatkowski Krawczyk
        Piotrowski Grabowski Pawlak Michalski
        """
    ),
    gendered_surnames=True,
)

ARABIC = Origin(
    key="ar",
    language=Language.AR,
    girls=_names(
        """
        Maryam Lana Jana Sara Rahaf Aya Layan Salma Nour Hala Rawan Dana Lamar Judy
        """
    ),
    boys=_names(
        """
        Omar Yusuf Adam Ahmad Karam Mohammad Ali Hamza Zain Khaled Amir Ibrahim Majd
        Elias
        """
    ),
    women=_names(
        """
        Fatima Amal Hiba Rasha Nisreen Huda Lina Rana Samar Manal Ghada Yasmin Reem Lama
        """
    ),
    men=_names(
        """
        Mohammed Ahmad Khaled Mahmoud Hassan Bilal Tarek Walid Firas Samer Rami Yaser
        Anas Fadi
        """
    ),
    family_names=_names(
        """
        Al-Hassan Haddad Khalil Ibrahim Mahmoud Hussein Al-Ahmad Saleh Yousef Othman
        Darwish Al-Khatib Suleiman Nasser Hamdan Al-Ali
        """
    ),
    mother_keeps_name=True,
)

SOMALI = Origin(
    key="so",
    language=Language.SO,
    girls=_names(
        """
        Hodan Ayaan Sagal Hibaq Sumaya Nasra Ifrah Ilhan Muna Iman Deqa Ladan Najma
        Saynab
        """
    ),
    boys=_names(
        """
        Abdirahman Mahad Liban Hamza Yusuf Abdullahi Mustafe Sakariye Ilyas Bilal Khalid
        Said Zakaria Ayub
        """
    ),
    women=_names(
        """
        Amina Fadumo Hawa Halima Khadra Sahra Asha Hamdi Ubah Maryan Nimo Safiya Idil
        Sadiya
        """
    ),
    men=_names(
        """
        Abdi Mohamed Ahmed Hassan Abdirashid Abdiqani Farah Omar Jama Mukhtar Said Osman
        Abdikarim Yasin
        """
    ),
    family_names=_names(
        """
        Mohamed Ahmed Hassan Ali Abdi Farah Osman Warsame Jama Hussein Abdullahi Yusuf
        Aden Mohamud Ismail Egal Nur Dahir
        """
    ),
    mother_keeps_name=True,
)

UKRAINIAN = Origin(
    key="uk",
    language=Language.UK,
    girls=_names(
        """
        Sofiia Anastasiia Mariia Viktoriia Polina Daryna Yeva Veronika Kateryna Solomiia
        Anna Milana
        """
    ),
    boys=_names(
        """
        Maksym Artem Oleksandr Dmytro Mykyta Bohdan Ivan Danylo Andrii Matvii Denys
        Nazar
        """
    ),
    women=_names(
        """
        Oksana Olena Iryna Nataliia Tetiana Svitlana Yuliia Olha Halyna Liudmyla Inna
        Alla
        """
    ),
    men=_names(
        """
        Andrii Oleksandr Serhii Volodymyr Dmytro Yurii Vitalii Mykola Ihor Oleh Roman
        Vasyl
        """
    ),
    # Surnames that do not change with gender, so a family shares one.
    family_names=_names(
        """
        Shevchenko Kovalenko Bondarenko Tkachenko Kravchenko Melnyk Boiko Savchuk
        Polishchuk Marchenko Lysenko Rudenko Moroz Tkachuk Koval
        """
    ),
)

ERITREAN = Origin(
    key="ti",
    language=Language.TI,
    girls=_names(
        """
        Senait Selam Merhawit Semhar Helen Ruth Yordanos Luwam Saron Eden Feven Mahlet
        """
    ),
    boys=_names(
        """
        Yonas Filmon Samuel Aron Natnael Biniam Robel Daniel Henok Mikael Abel Efrem
        """
    ),
    women=_names(
        """
        Tsega Almaz Mebrat Saba Abeba Rahel Selamawit Hiwet Letebrhan Freweyni Azieb
        Tirhas
        """
    ),
    men=_names(
        """
        Tekle Berhane Yemane Kidane Goitom Habtom Mussie Tewelde Zerai Solomon Ghirmay
        Dawit
        """
    ),
    family_names=_names(
        """
        Tesfay Gebremedhin Haile Berhane Kidane Tekle Ghebreyesus Habte Mebrahtu Woldu
        Asmerom Tesfamariam Yohannes Negash Abraha
        """
    ),
    mother_keeps_name=True,
)

VIETNAMESE = Origin(
    key="vi",
    language=None,
    # Children of Vietnamese families born in Norway often carry a Norwegian first name too.
    girls=_names(
        """
        Linh Mai Anh Vy Thao Ngoc Emily Anna Trang Lily
        """
    ),
    boys=_names(
        """
        Minh Duc Tuan Long Huy Bao Kevin Daniel Khoa Viet
        """
    ),
    women=_names(
        """
        Lan Hoa Huong Thuy Phuong Ha Nga Lien Hanh Trinh
        """
    ),
    men=_names(
        """
        Hung Thanh Dung Quang Son Hai Tuan Long Binh Nam
        """
    ),
    family_names=_names(
        """
        Nguyen Tran Le Pham Hoang Vu Do Bui Dang Ngo
        """
    ),
    mother_keeps_name=True,
)

PERSIAN = Origin(
    key="fa",
    language=Language.FA,
    girls=_names(
        """
        Zahra Ayda Setayesh Yasna Nazanin Parisa Mina Sana Fatemeh Mahsa Roya
        """
    ),
    boys=_names(
        """
        Amir Ali Reza Arian Mehdi Hossein Sina Ilyas Mustafa Arman Elyas
        """
    ),
    women=_names(
        """
        Fatemeh Maryam Zahra Shirin Soraya Farida Nargis Masoumeh Shabnam Parwin
        """
    ),
    men=_names(
        """
        Mohammad Ali Reza Hamid Jawad Nasir Farid Rahim Qasim Ahmad
        """
    ),
    family_names=_names(
        """
        Ahmadi Hosseini Rahimi Karimi Mohammadi Sultani Noori Jafari Rezaei Haidari
        Sadat Amiri
        """
    ),
    mother_keeps_name=True,
)

# Share of families by origin. Roughly the make-up of a Norwegian municipality where about one
# pupil in six has an immigrant background (SSB); enough for the ≈8 % of guardians who prefer
# another language than Norwegian.
ORIGIN_SHARES: tuple[tuple[Origin, float], ...] = (
    (POLISH, 0.05),
    (ARABIC, 0.03),
    (SOMALI, 0.025),
    (UKRAINIAN, 0.03),
    (ERITREAN, 0.02),
    (VIETNAMESE, 0.015),
    (PERSIAN, 0.015),
)

# Streets per place; the places themselves are fictional.
STREETS = _names(
    """
    Fjordveien Skolegata Kirkebakken Bjørkelia Granveien Havnegata Sjøgata Lyngveien
    Furuåsen Storgata Myrvegen Tjernveien Solbakken Eikeveien Rognstien Strandvegen
    Måkeveien Bekkestien Nordlysveien Fyrlykta Kaiveien Lerketunet Hegghaugen Smieveien
    Blåbærstien Sagbruksvegen
    """
)

CONTACT_WINDOWS: tuple[str, ...] = (
    "Etter kl. 16 på hverdager",
    "Etter kl. 16 på hverdager",
    "Hele dagen",
    "Før kl. 08 og etter kl. 15",
    "Mellom kl. 11 og 13",
    "Send SMS først, så ringer jeg tilbake",
    "Ettermiddag, ikke tirsdager",
    "Etter kl. 17 (jobber skift)",
    "Formiddag på hverdager",
    "Helst e-post, ring ved hastesaker",
    "Mandag til torsdag etter kl. 15",
)

_ASCII = str.maketrans(
    {"æ": "ae", "ø": "o", "å": "aa", "Æ": "ae", "Ø": "o", "Å": "aa", "ł": "l", "Ł": "l"}
)


def feminine(family_name: str) -> str:
    """The feminine form of a Polish surname: Kowalski → Kowalska, Zieliński → Zielińska."""
    for ending, replacement in (("cki", "cka"), ("dzki", "dzka"), ("ski", "ska")):
        if family_name.endswith(ending):
            return family_name[: -len(ending)] + replacement
    return family_name


def ascii_slug(name: str) -> str:
    """``Bjørn Sæther-Ødegård`` → ``bjorn.saether-odegard``, for fictional e-mail addresses."""
    text = unicodedata.normalize("NFKD", name.translate(_ASCII))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = ".".join(text.split())
    return "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in ".-"))
