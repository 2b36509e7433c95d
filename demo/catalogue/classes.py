"""Kinds of batik class the demo workshops teach, and their price tiers.

Durations and prices follow what classes elsewhere in Indonesia charge: 1–3 hours,
Rp25.000–75.000 a person; ecoprint runs longer because the cloth steams for about
two hours.
"""

from demo.catalogue.records import ClassTemplate, Text, TierSpec

ADULT = Text(id="Dewasa", en="Adult", zh_hans="成人", ms="Dewasa")
STUDENT = Text(id="Pelajar", en="Student", zh_hans="学生", ms="Pelajar")
FOREIGN = Text(
    id="Wisatawan mancanegara", en="International visitor", zh_hans="外国游客", ms="Pelancong asing"
)
PER_PERSON = Text(id="Per orang", en="Per person", zh_hans="每人", ms="Seorang")
CHILD = Text(
    id="Anak (5–12 tahun)", en="Child (5–12)", zh_hans="儿童（5–12岁）", ms="Kanak-kanak (5–12 tahun)"
)
CHAPERONE = Text(id="Guru pendamping", en="Accompanying teacher", zh_hans="带队老师", ms="Guru pengiring")

# Like the museums that charge domestic visitors, students and foreigners differently.
TIER_SCHEMES: dict[str, tuple[TierSpec, ...]] = {
    "single": (TierSpec(PER_PERSON, 100),),
    "adult_student": (TierSpec(ADULT, 100), TierSpec(STUDENT, 70)),
    "museum": (TierSpec(ADULT, 100), TierSpec(STUDENT, 70), TierSpec(FOREIGN, 140)),
    "family": (TierSpec(ADULT, 100), TierSpec(CHILD, 70)),
    "school": (TierSpec(STUDENT, 100), TierSpec(CHAPERONE, 150)),
}

_CLOTHES = Text(
    id="Baju yang boleh terkena noda malam dan pewarna. Topi atau payung: bisa panas, bisa hujan.",
    en="Clothes that may get wax and dye stains. A hat or an umbrella: it may be hot, it may rain.",
)
_DRIES_OVERNIGHT = Text(
    id=(
        "Kain perlu kering semalam: ambil esok pagi di sanggar, atau minta dikirim kurir "
        "(ongkos kirim ditanggung peserta)."
    ),
    en="The cloth must dry overnight: collect it the next morning, or have it sent by courier at your cost.",
)


def _dried(id_: str, en: str) -> Text:
    """What the visitor takes home, for cloth that is handed over the next day."""
    return Text(id=f"{id_} {_DRIES_OVERNIGHT.id}", en=f"{en} {_DRIES_OVERNIGHT.en}")


TEMPLATES: dict[str, ClassTemplate] = {
    t.key: t
    for t in (
        ClassTemplate(
            key="tulis-pemula",
            technique="tulis",
            level="beginner",
            duration_minutes=120,
            price=50_000,
            tiers="museum",
            min_participants=1,
            max_participants=12,
            min_age=10,
            cancellation_hours=24,
            title=Text(
                id="Batik Tulis untuk Pemula: Motif {motif}",
                en="Hand-drawn Batik for Beginners: {motif} Motif",
                zh_hans="手绘蜡染入门：{motif}纹样",
                ms="Batik Tulis untuk Pemula: Motif {motif}",
            ),
            description=Text(
                id=(
                    "Belajar memegang canting, menorehkan malam panas, mewarnai, lalu melorod kain. "
                    "Pengrajin {workshop} mendampingi dari garis pertama sampai kain dibilas."
                ),
                en=(
                    "Learn to hold a canting, draw with hot wax, dye the cloth and boil the wax off. "
                    "Makers of {workshop} guide you from the first line to the rinsed cloth."
                ),
            ),
            included=Text(
                id="Kain katun 50×50 cm, canting, malam dan pewarna, celemek, teh dan kue tradisional.",
                en="Cotton cloth 50×50 cm, canting, wax and dyes, apron, tea and traditional cakes.",
            ),
            takes_home=_dried("Sapu tangan batik tulis karya sendiri.", "Your own hand-drawn handkerchief."),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="tulis-tidayu",
            technique="tulis",
            level="intermediate",
            duration_minutes=180,
            price=75_000,
            tiers="adult_student",
            min_participants=1,
            max_participants=8,
            min_age=14,
            cancellation_hours=48,
            title=Text(
                id="Batik Tulis Tidayu: {motif} dalam Tiga Budaya",
                en="Tidayu Batik: {motif} in Three Cultures",
                zh_hans="Tidayu 蜡染：三种文化中的{motif}",
                ms="Batik Tulis Tidayu: {motif} dalam Tiga Budaya",
            ),
            description=Text(
                id=(
                    "Tidayu memadukan ornamen Tionghoa, Dayak dan Melayu. Rancang komposisi sendiri di "
                    "sekitar motif {motif}, gambar dengan dua ukuran canting, isi dengan isen-isen, "
                    "lalu warnai dua kali."
                ),
                en=(
                    "Tidayu blends Chinese, Dayak and Malay ornament. Design your own composition around "
                    "the {motif} motif, draw with two sizes of canting, add fillings, then dye twice."
                ),
            ),
            included=Text(
                id="Kain katun primissima 50×100 cm, dua canting, malam, dua warna, teh dan kue.",
                en="Fine cotton cloth 50×100 cm, two cantings, wax, two dyes, tea and cakes.",
            ),
            takes_home=_dried("Kain batik tulis 50×100 cm.", "A 50×100 cm hand-drawn batik cloth."),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="tulis-lanjutan",
            technique="tulis",
            level="advanced",
            duration_minutes=180,
            price=75_000,
            tiers="single",
            min_participants=1,
            max_participants=8,
            min_age=15,
            cancellation_hours=48,
            title=Text(
                id="Batik Tulis Lanjutan: Isen-isen dan Warna Bertingkat",
                en="Advanced Hand-drawn Batik: Fillings and Layered Colour",
                zh_hans="进阶手绘蜡染：填纹与多层染色",
                ms="Batik Tulis Lanjutan: Isen-isen dan Warna Berlapis",
            ),
            description=Text(
                id="Untuk yang sudah pernah membatik: tutup-celup bertingkat dan isen-isen halus.",
                en="For those who have drawn batik before: layered wax-resist dyeing and fine fillings.",
            ),
            included=Text(
                id="Kain katun primissima 50×100 cm, canting halus, malam, tiga warna.",
                en="Fine cotton cloth 50×100 cm, fine cantings, wax, three dyes.",
            ),
            takes_home=Text(
                id="Kain batik tulis 50×100 cm, diambil dua hari kemudian atau dikirim kurir.",
                en="A 50×100 cm batik cloth, collected two days later or sent by courier.",
            ),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="cap-sapu-tangan",
            technique="cap",
            level="beginner",
            duration_minutes=60,
            price=30_000,
            tiers="single",
            # A stamping table and a dye bath are prepared per group; below five it does not pay.
            min_participants=5,
            max_participants=25,
            min_age=7,
            cancellation_hours=24,
            title=Text(
                id="Batik Cap Sapu Tangan Motif {motif}",
                en="Stamped Batik Handkerchief: {motif}",
                zh_hans="铜印蜡染手帕：{motif}",
                ms="Batik Cap Sapu Tangan Motif {motif}",
            ),
            description=Text(
                id=(
                    "Celupkan cap tembaga bermotif {motif} ke malam panas dan capkan ke kain. Cepat dan "
                    "cocok untuk anak dan rombongan sekolah. Kelas berjalan mulai 5 peserta."
                ),
                en=(
                    "Dip a copper stamp with the {motif} motif in hot wax and press it onto cloth. Quick, "
                    "and good for children and school groups. The class runs from 5 participants."
                ),
            ),
            included=Text(
                id="Kain katun 40×40 cm, cap tembaga, malam, satu warna, air minum.",
                en="Cotton cloth 40×40 cm, copper stamp, wax, one dye, drinking water.",
            ),
            takes_home=_dried("Sapu tangan batik cap.", "A stamped batik handkerchief."),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="cap-colet",
            technique="cap",
            level="beginner",
            duration_minutes=90,
            price=40_000,
            tiers="adult_student",
            min_participants=1,
            max_participants=20,
            min_age=8,
            cancellation_hours=24,
            title=Text(
                id="Batik Cap dan Colet: {motif} Berwarna",
                en="Stamp and Paint Batik: Colourful {motif}",
                zh_hans="铜印与彩绘蜡染：多彩{motif}",
                ms="Batik Cap dan Colet: {motif} Berwarna-warni",
            ),
            description=Text(
                id="Capkan motif {motif}, lalu colet: sapukan warna dengan kuas di dalam garis malam.",
                en="Stamp the {motif} motif, then paint colour with a brush inside the wax lines (colet).",
            ),
            included=Text(
                id="Kain katun 50×50 cm, cap tembaga, malam, kuas dan lima warna colet.",
                en="Cotton cloth 50×50 cm, copper stamp, wax, brushes and five paint-on dyes.",
            ),
            takes_home=_dried("Kain batik cap berwarna.", "A colourful stamped batik cloth."),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="ecoprint-selendang",
            technique="ecoprint",
            level="beginner",
            duration_minutes=240,
            price=70_000,
            tiers="museum",
            min_participants=1,
            max_participants=12,
            min_age=12,
            cancellation_hours=48,
            title=Text(
                id="Ecoprint Selendang: Jejak Daun Hutan Kalimantan",
                en="Ecoprint Scarf: Leaf Prints of the Borneo Forest",
                zh_hans="植物拓印围巾：婆罗洲森林的叶印",
                ms="Ecoprint Selendang: Jejak Daun Hutan Borneo",
            ),
            description=Text(
                id=(
                    "Pilih daun jati, jarak dan kersen, susun di kain, gulung rapat, lalu kukus sekitar "
                    "dua jam. Selama mengukus, minum teh dan berjalan keliling kampung."
                ),
                en=(
                    "Choose teak, castor and cherry leaves, lay them on cloth, roll it tight and steam it "
                    "for about two hours. While it steams, have tea and walk around the village."
                ),
            ),
            included=Text(
                id="Selendang katun 40×150 cm, daun segar, pengukusan, teh dan camilan.",
                en="Cotton scarf 40×150 cm, fresh leaves, steaming, tea and snacks.",
            ),
            takes_home=Text(
                id="Selendang ecoprint, dibawa pulang hari itu. Jangan dicuci tiga hari pertama.",
                en="Your ecoprint scarf, taken home the same day. Do not wash it for three days.",
            ),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="ecoprint-tas",
            technique="ecoprint",
            level="beginner",
            duration_minutes=210,
            price=55_000,
            tiers="adult_student",
            min_participants=5,
            max_participants=15,
            min_age=8,
            cancellation_hours=48,
            title=Text(
                id="Ecoprint Tas Kain dengan Daun dan Bunga",
                en="Ecoprint Tote Bag with Leaves and Flowers",
                zh_hans="植物拓印帆布袋：树叶与花朵",
                ms="Ecoprint Beg Kain dengan Daun dan Bunga",
            ),
            description=Text(
                id="Cetak daun dan bunga di tas kanvas, kukus dua jam, dan pakai tasnya pulang.",
                en="Print leaves and flowers on a canvas bag, steam it for two hours and carry it home.",
            ),
            included=Text(
                id="Tas kanvas, daun dan bunga, pengukusan, air minum.",
                en="Canvas tote bag, leaves and flowers, steaming, drinking water.",
            ),
            takes_home=Text(id="Tas ecoprint karya sendiri.", en="Your own ecoprint tote bag."),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="jumputan-pelangi",
            technique="jumputan",
            level="beginner",
            duration_minutes=120,
            price=35_000,
            tiers="adult_student",
            min_participants=1,
            max_participants=20,
            min_age=6,
            cancellation_hours=24,
            title=Text(
                id="Jumputan Pelangi: Ikat, Celup, Buka",
                en="Rainbow Tie-dye (Jumputan): Tie, Dip, Reveal",
                zh_hans="彩虹扎染：扎、浸、解",
                ms="Jumputan Pelangi: Ikat, Celup, Buka",
            ),
            description=Text(
                id="Ikat kain dengan karet dan kelereng, rendam 45–60 menit dalam pewarna, lalu buka.",
                en="Tie cloth with rubber bands and marbles, soak it 45–60 minutes in dye, then open it.",
            ),
            included=Text(
                id="Kain katun 50×50 cm, tali dan karet, tiga warna, sarung tangan.",
                en="Cotton cloth 50×50 cm, string and rubber bands, three dyes, gloves.",
            ),
            takes_home=_dried("Kain jumputan pelangi.", "A rainbow tie-dye cloth."),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="jumputan-kaos",
            technique="jumputan",
            level="beginner",
            duration_minutes=150,
            price=65_000,
            tiers="single",
            min_participants=1,
            max_participants=15,
            min_age=8,
            cancellation_hours=24,
            title=Text(
                id="Kaos Jumputan Warna Alam",
                en="Tie-dye T-shirt with Natural Dyes",
                zh_hans="天然染料扎染T恤",
                ms="Baju-T Jumputan Warna Semula Jadi",
            ),
            description=Text(
                id="Jumputan di kaos katun dengan pewarna alam: tarum, kulit mahoni dan kayu secang.",
                en="Tie-dye a cotton T-shirt with natural dyes: indigo, mahogany bark and sappanwood.",
            ),
            included=Text(
                id="Kaos katun (S sampai XXL), pewarna alam, sarung tangan, air minum.",
                en="Cotton T-shirt (S to XXL), natural dyes, gloves, drinking water.",
            ),
            takes_home=_dried("Kaos jumputan.", "Your tie-dye T-shirt."),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="kelas-keluarga",
            technique="combined",
            level="beginner",
            duration_minutes=150,
            price=45_000,
            tiers="family",
            min_participants=2,
            max_participants=16,
            min_age=5,
            cancellation_hours=24,
            title=Text(
                id="Kelas Keluarga: Cap, Colet dan Jumputan",
                en="Family Class: Stamp, Paint and Tie-dye",
                zh_hans="亲子课：铜印、彩绘与扎染",
                ms="Kelas Keluarga: Cap, Colet dan Jumputan",
            ),
            description=Text(
                id="Orang tua dan anak mencoba tiga teknik di satu meja. Tidak ada malam panas untuk anak.",
                en="Parents and children try three techniques at one table. No hot wax for the children.",
            ),
            included=Text(
                id="Dua kain per peserta, cap, pewarna, sarung tangan, es teh dan kue.",
                en="Two cloths per participant, stamps, dyes, gloves, iced tea and cakes.",
            ),
            takes_home=_dried("Dua kain karya sendiri per peserta.", "Two cloths of your own each."),
            what_to_bring=_CLOTHES,
        ),
        ClassTemplate(
            key="rombongan-sekolah",
            technique="combined",
            level="beginner",
            duration_minutes=180,
            price=30_000,
            tiers="school",
            min_participants=10,
            max_participants=25,
            min_age=9,
            cancellation_hours=72,
            title=Text(
                id="Paket Rombongan Sekolah: Tulis dan Cap Motif {motif}",
                en="School Group Package: Drawn and Stamped {motif}",
                zh_hans="学校团体套餐：手绘与铜印{motif}",
                ms="Pakej Rombongan Sekolah: Tulis dan Cap Motif {motif}",
            ),
            description=Text(
                id="Cerita motif {motif}, praktik cap, lalu mencoba canting. Untuk rombongan 10–25 siswa.",
                en="The {motif} motif's story, stamping, then a first go with a canting. For 10–25 pupils.",
            ),
            included=Text(
                id="Kain 40×40 cm per siswa, alat dan bahan, lembar kerja, air minum.",
                en="A 40×40 cm cloth per pupil, tools and materials, a worksheet, drinking water.",
            ),
            takes_home=Text(
                id="Kain batik per siswa, dikirim ke sekolah setelah kering.",
                en="A batik cloth per pupil, delivered to the school once dry.",
            ),
            what_to_bring=Text(
                id="Seragam olahraga atau baju ganti, dan daftar nama siswa.",
                en="Sports uniforms or a change of clothes, and a list of the pupils' names.",
            ),
        ),
    )
}
