"""The demo's tourism villages around Singkawang. Invented places, plausible ones."""

from demo.catalogue.records import Text, VillageSpec

CITY = "Singkawang"
PROVINCE = "Kalimantan Barat"

VILLAGES: tuple[VillageSpec, ...] = (
    VillageSpec(
        slug="pecinan-lentera",
        name="Kampung Wisata Pecinan Lentera",
        classification="maju",
        latitude="0.908512",
        longitude="108.984327",
        address="Gang Lampion, Singkawang Barat, Singkawang",
        whatsapp="+6281200000101",
        description=Text(
            id=(
                "Kampung wisata di tengah kota, di antara ruko tua dan kelenteng kecil. Lima sanggar "
                "mengajarkan batik dengan motif lentera, naga dan teratai yang lahir dari budaya "
                "Tionghoa Singkawang, dan banyak pengrajinnya bercakap dalam bahasa Hakka."
            ),
            en=(
                "A tourism village in the heart of the city, among old shophouses and small temples. "
                "Five workshops teach batik with lantern, dragon and lotus motifs drawn from "
                "Singkawang's Chinese heritage, and many of the makers speak Hakka."
            ),
        ),
        highlights=Text(
            id=(
                "Lima sanggar dalam jarak jalan kaki\n"
                "Motif lentera dan naga khas Singkawang\n"
                "Kelas dalam bahasa Hakka dan Mandarin\n"
                "Kuliner pecinan selepas kelas"
            ),
            en=(
                "Five workshops within walking distance\n"
                "Singkawang's lantern and dragon motifs\n"
                "Classes in Hakka and Mandarin\n"
                "Chinatown food after class"
            ),
        ),
    ),
    VillageSpec(
        slug="bukit-tengkawang",
        name="Kampung Wisata Bukit Tengkawang",
        classification="berkembang",
        latitude="0.889140",
        longitude="109.041760",
        address="Jl. Bukit Tengkawang, Singkawang Timur, Singkawang",
        whatsapp="+6281200000102",
        description=Text(
            id=(
                "Kampung di kaki bukit, di tepi hutan tengkawang. Kelompok produksi di sini menggambar "
                "motif Dayak seperti burung enggang dan buah tengkawang, dan memetik daun hutan untuk "
                "ecoprint. Balai bergaya rumah panjang dipakai bersama sebagai ruang kelas."
            ),
            en=(
                "A village at the foot of the hills, on the edge of an illipe-nut (tengkawang) forest. "
                "Its production groups draw Dayak motifs such as the hornbill and the tengkawang fruit, "
                "and pick forest leaves for ecoprint. A longhouse-style hall serves as a shared classroom."
            ),
        ),
        highlights=Text(
            id=(
                "Motif Dayak: enggang, tengkawang, kantong semar\n"
                "Ecoprint dengan daun dari hutan sekitar\n"
                "Balai rumah panjang untuk rombongan\n"
                "Jalan setapak ke kebun tengkawang"
            ),
            en=(
                "Dayak motifs: hornbill, tengkawang, pitcher plant\n"
                "Ecoprint with leaves from the nearby forest\n"
                "A longhouse hall for groups\n"
                "A footpath to the tengkawang groves"
            ),
        ),
    ),
    VillageSpec(
        slug="muara-lonceng",
        name="Kampung Wisata Muara Lonceng",
        classification="rintisan",
        latitude="0.962305",
        longitude="108.972118",
        address="Jl. Muara Lonceng, Singkawang Utara, Singkawang",
        whatsapp="+6281200000103",
        description=Text(
            id=(
                "Kampung nelayan Melayu di muara sungai. Sanggar-sanggarnya baru dirintis dan mengajarkan "
                "motif pucuk rebung, ombak dan sampan. Banyak tamu datang dari Sarawak, jadi kelas dalam "
                "bahasa Melayu selalu tersedia."
            ),
            en=(
                "A Malay fishing village at a river mouth. Its young workshops teach bamboo-shoot "
                "(pucuk rebung), wave and boat motifs. Many guests come from Sarawak, so classes in "
                "Malay are always on offer."
            ),
        ),
        highlights=Text(
            id=(
                "Motif Melayu pesisir: pucuk rebung, ombak, sampan\n"
                "Jumputan warna pelangi\n"
                "Kelas berbahasa Melayu untuk tamu dari Sarawak\n"
                "Senja di dermaga nelayan"
            ),
            en=(
                "Coastal Malay motifs: bamboo shoot, waves, boats\n"
                "Rainbow tie-dye (jumputan)\n"
                "Classes in Malay for guests from Sarawak\n"
                "Sunset at the fishermen's jetty"
            ),
        ),
    ),
    VillageSpec(
        slug="pelangi-tidayu",
        name="Kampung Wisata Pelangi Tidayu",
        classification="mandiri",
        latitude="0.842667",
        longitude="108.996501",
        address="Jl. Serumpun, Singkawang Selatan, Singkawang",
        whatsapp="+6281200000104",
        description=Text(
            id=(
                "Kampung tempat motif Tidayu (Tionghoa, Dayak, Melayu) paling banyak dikembangkan. "
                "Kelompok produksinya mengelola galeri bersama dan sudah mengirim kain ke Sarawak. "
                "Kelas diajarkan dalam lima bahasa."
            ),
            en=(
                "The village where the Tidayu motif family (Chinese, Dayak, Malay) is most developed. "
                "Its production groups run a shared gallery and already ship cloth to Sarawak. "
                "Classes are taught in five languages."
            ),
        ),
        highlights=Text(
            id=(
                "Pusat motif Tidayu\n"
                "Galeri bersama kelompok produksi\n"
                "Kelas dalam lima bahasa\n"
                "Kain yang sudah dijual sampai Sarawak"
            ),
            en=(
                "The home of the Tidayu motif\n"
                "A gallery shared by the production groups\n"
                "Classes in five languages\n"
                "Cloth sold as far as Sarawak"
            ),
        ),
    ),
)
