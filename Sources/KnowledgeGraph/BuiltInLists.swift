/// The small hand-made lists the offline extractor always has (the large gazetteers come from
/// `scripts/fetch-gazetteers`). Every entry is lower case.
enum BuiltInLists {
    /// Words that never start or end a name ("The Bank of England" → "Bank of England").
    static let functionWords: Set<String> = [
        "a", "an", "the", "and", "or", "but", "nor", "of", "for", "to", "in", "on", "at", "by", "with", "from", "as", "into",
        "onto", "over", "under", "after", "before", "since", "until", "during", "about", "against", "between", "through",
        "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "you", "i", "his", "her", "their", "our",
        "my", "your", "him", "them", "us", "me", "who", "whom", "whose", "which", "what", "when", "where", "why", "how",
        "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will", "would",
        "can", "could", "should", "shall", "may", "might", "must", "not", "no", "yes", "if", "then", "than", "so", "also",
        "all", "any", "each", "every", "some", "such", "both", "either", "neither", "many", "much", "more", "most", "few",
        "other", "another", "here", "there", "now", "just", "only", "even", "still", "yet", "too", "very", "per", "via",
        "while", "although", "though", "because", "unless", "whether", "once", "upon", "within", "without", "among",
        "across", "toward", "towards", "around", "near", "off", "out", "up", "down", "again", "ever", "never", "always",
    ]

    /// Capitalised words that start sentences and headlines without naming anything.
    static let sentenceStarters: Set<String> = [
        "however", "meanwhile", "moreover", "furthermore", "nevertheless", "nonetheless", "instead", "overall", "still",
        "according", "despite", "although", "after", "before", "during", "since", "while", "when", "where", "if",
        "officials", "analysts", "experts", "critics", "residents", "police", "authorities", "investors", "shares",
        "prices", "sales", "profits", "revenue", "earnings", "markets", "stocks", "researchers", "scientists",
        "doctors", "lawmakers", "voters", "fans", "players", "workers", "protesters", "witnesses", "prosecutors",
        "speaking", "asked", "today", "yesterday", "tomorrow", "tonight", "earlier", "later", "last", "next", "this",
        "many", "several", "some", "most", "few", "both", "other", "others", "another", "all", "no", "one", "two", "three",
        "first", "second", "third", "finally", "also", "but", "and", "yet", "so", "thus", "there", "here", "it", "its",
        "new", "former", "local", "national", "federal", "state", "chief", "senior", "top", "major", "global", "world",
        "breaking", "update", "updated", "exclusive", "analysis", "opinion", "editorial", "photo", "video", "watch",
        "read", "more", "see", "note", "figure", "table", "chapter", "section", "page", "step", "example",
    ]

    /// Words that refer to a part of the document ("See Section 3", "Appendix F"): never part of a name.
    static let structuralWords: Set<String> = [
        "appendix", "section", "chapter", "figure", "fig", "table", "page", "part", "volume", "vol", "example", "exercise",
        "equation", "eq", "step", "note", "listing", "paragraph", "clause", "article", "annex", "box", "item", "line",
    ]

    /// Titles and roles that stand before a person's name (removed from the name, and a sure
    /// sign of a person). Multi-word titles are written with single spaces.
    static let personTitles: Set<String> = [
        "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "madam", "mx",
        "president", "vice president", "prime minister", "deputy prime minister", "chancellor", "minister",
        "foreign minister", "finance minister", "defence minister", "defense minister", "energy minister", "health minister",
        "interior minister", "justice minister", "trade minister", "economy minister", "education minister", "environment minister",
        "agriculture minister", "transport minister", "culture minister", "home secretary", "foreign secretary", "health secretary",
        "treasury secretary", "defense secretary", "defence secretary", "commerce secretary", "energy secretary", "secretary", "secretary of state",
        "senator", "sen", "rep", "representative", "congressman", "congresswoman", "governor", "gov", "mayor",
        "judge", "justice", "chief justice", "attorney general", "ambassador", "king", "queen", "prince", "princess",
        "pope", "archbishop", "bishop", "cardinal", "rabbi", "imam", "reverend", "rev", "father", "sister", "brother",
        "general", "gen", "lt", "lieutenant", "colonel", "col", "major", "maj", "captain", "capt", "sergeant", "sgt",
        "admiral", "commander", "officer", "detective", "inspector", "constable", "chief", "ceo", "cfo", "cto", "coo",
        "chairman", "chairwoman", "chair", "director", "founder", "co-founder", "spokesman", "spokeswoman",
        "spokesperson", "coach", "manager", "striker", "midfielder", "defender", "goalkeeper", "quarterback",
        "chief executive", "chief executive officer", "executive", "economist", "analyst", "author", "novelist",
        "singer", "actor", "actress", "director-general", "secretary-general", "commissioner", "premier", "speaker",
        "leader", "opposition leader", "party leader", "deputy", "lawmaker", "mp", "mep", "superintendent", "sheriff",
        "nurse", "doctor", "scientist", "researcher", "dean", "provost", "principal", "headteacher", "editor",
        "st", "saint", "emperor", "empress", "sultan", "sheikh", "crown prince", "duke", "duchess", "earl", "baron",
    ]

    /// Last words of organisation names.
    static let organisationTails: Set<String> = [
        "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "llp", "plc", "gmbh",
        "ag", "sa", "nv", "bv", "group", "holdings", "partners", "associates", "bank", "bancorp", "university",
        "college", "institute", "institution", "academy", "school", "association", "society", "agency", "council",
        "committee", "commission", "party", "ministry", "department", "foundation", "federation", "union",
        "organization", "organisation", "authority", "court", "parliament", "congress", "senate", "assembly",
        "airlines", "airways", "motors", "technologies", "technology", "systems", "labs", "laboratories",
        "laboratory", "pharmaceuticals", "therapeutics", "capital", "ventures", "fund", "trust", "club", "fc",
        "united", "city", "police", "army", "navy", "force", "forces", "office", "service", "services", "board",
        "bureau", "church", "hospital", "clinic", "museum", "exchange", "times", "post", "news", "journal", "herald",
        "tribune", "gazette", "telegraph", "guardian", "press", "media", "network", "studios", "records", "energy",
        "industries", "enterprises", "solutions", "software", "communications", "telecom", "insurance", "securities",
        "reserve", "administration", "alliance", "coalition", "movement", "front", "guard", "corps", "cabinet",
        "tribunal", "center", "centre", "programme", "program", "initiative", "network", "cooperative", "consortium",
        "international", "ai", "sports", "cloud", "aerospace", "automotive", "brands", "foods", "pharma", "biotech",
    ]

    /// First words of organisation names ("University of Oxford", "Bank of England").
    static let organisationHeads: Set<String> = [
        "university", "bank", "ministry", "department", "office", "bureau", "institute", "college", "school", "academy",
        "federal", "national", "royal", "house", "council", "court", "board", "commission", "committee", "agency",
        "association", "society", "church", "order", "house of", "league", "federation", "union", "museum",
    ]

    /// Last words of place names ("Mississippi River", "Gulf of Mexico").
    static let placeTails: Set<String> = [
        "river", "lake", "mountain", "mountains", "mount", "mt", "island", "islands", "ocean", "sea", "gulf", "bay",
        "valley", "street", "st", "avenue", "ave", "road", "rd", "boulevard", "square", "airport", "stadium", "arena",
        "bridge", "county", "province", "region", "desert", "coast", "peninsula", "canal", "strait", "straits",
        "district", "borough", "village", "town", "heights", "hills", "park", "beach", "harbor", "harbour", "falls",
        "forest", "basin", "delta", "plateau", "plain", "plains", "highlands", "lowlands", "archipelago", "channel",
        "hall", "crater", "palace", "cathedral", "tower", "castle", "station", "terminal", "marketplace", "market",
        "state", "states", "territory", "territories", "republic", "kingdom", "emirates", "oblast", "prefecture",
    ]

    /// First words of place names ("Lake Geneva", "Mount Everest", "Gulf of Mexico").
    static let placeHeads: Set<String> = [
        "lake", "mount", "mt", "gulf", "bay", "cape", "port", "fort", "isle", "strait", "sea", "river", "north", "south",
        "east", "west", "northern", "southern", "eastern", "western", "central", "upper", "lower", "greater", "new", "san",
        "santa", "saint", "st", "los", "las", "el", "la", "rio", "sierra",
    ]

    /// Organisations that name no tail or head word ("Google", "NATO").
    static let organisations: Set<String> = [
        "un", "nato", "eu", "who", "imf", "wto", "opec", "unesco", "unicef", "fbi", "cia", "nsa", "nasa", "esa", "fda",
        "cdc", "sec", "fed", "ecb", "epa", "irs", "dhs", "doj", "pentagon", "kremlin", "white house", "downing street",
        "bbc", "cnn", "reuters", "ap", "afp", "bloomberg", "nbc", "cbs", "abc", "fox", "npr", "pbs", "al jazeera",
        "google", "alphabet", "apple", "microsoft", "amazon", "meta", "facebook", "instagram", "whatsapp", "twitter",
        "tesla", "spacex", "netflix", "nvidia", "intel", "amd", "ibm", "oracle", "samsung", "sony", "toyota", "honda",
        "volkswagen", "bmw", "mercedes", "ford", "boeing", "airbus", "pfizer", "moderna", "openai", "anthropic",
        "uber", "airbnb", "walmart", "starbucks", "mcdonald's", "disney", "shell", "bp", "exxonmobil", "chevron",
        "goldman sachs", "jpmorgan", "morgan stanley", "citigroup", "hsbc", "barclays", "deutsche bank", "ubs",
        "huawei", "alibaba", "tencent", "baidu", "tiktok", "bytedance", "siemens", "nokia", "ericsson", "unilever",
        "nestle", "nestlé", "ikea", "spotify", "adobe", "salesforce", "paypal", "visa", "mastercard", "linkedin",
        "youtube", "hamas", "hezbollah", "taliban", "interpol", "europol", "fifa", "uefa", "ioc", "nba", "nfl", "mlb",
        "nhl", "premier league", "bundesliga", "la liga", "serie a", "red cross", "greenpeace", "amnesty international",
        "democrats", "republicans", "labour", "conservatives", "tories", "congress", "senate", "parliament",
    ]

    /// Names of one place written several ways: every form maps to the first of its line.
    static let placeAliases: [[String]] = [
        ["united states", "u.s.", "us", "usa", "u.s.a.", "united states of america", "america"],
        ["united kingdom", "u.k.", "uk", "britain", "great britain"],
        ["united arab emirates", "uae", "u.a.e."],
        ["soviet union", "ussr", "u.s.s.r."],
        ["european union", "eu", "e.u."],
        ["democratic republic of the congo", "drc", "dr congo"],
        ["south korea", "republic of korea"],
        ["north korea", "dprk"],
        ["czech republic", "czechia"],
        ["the netherlands", "netherlands", "holland"],
        ["ivory coast", "côte d'ivoire", "cote d'ivoire"],
        ["myanmar", "burma"],
        ["new york city", "nyc"],
        ["los angeles", "l.a."],
        ["washington, d.c.", "washington dc", "d.c."],
        ["federal reserve", "fed", "the fed"],
    ]

    /// Every form in `placeAliases`, for membership tests.
    static let placeAliasForms: Set<String> = Set(placeAliases.joined())

    /// Well-known places the gazetteer may lack or spell differently.
    static let places: Set<String> = [
        "united states", "u.s.", "us", "usa", "america", "united kingdom", "u.k.", "uk", "britain", "great britain",
        "england", "scotland", "wales", "northern ireland", "europe", "asia", "africa", "north america",
        "south america", "latin america", "middle east", "oceania", "antarctica", "arctic", "the gulf", "gaza",
        "gaza strip", "west bank", "crimea", "donbas", "kashmir", "taiwan", "hong kong", "macau", "tibet", "kosovo",
        "palestine", "silicon valley", "wall street", "sahara", "himalayas", "alps", "andes", "amazon basin",
        "pacific", "atlantic", "mediterranean", "caribbean", "balkans", "baltics", "scandinavia", "siberia",
        "south korea", "north korea", "dprk", "uae", "new york", "new york city", "nyc", "los angeles", "d.c.",
        "washington", "washington, d.c.", "beijing", "moscow", "kyiv", "kiev", "brussels", "geneva", "davos",
        "mars", "earth", "jupiter", "saturn", "venus", "neptune", "uranus", "pluto",
        // US state and Canadian province abbreviations of the wire services ("Burlington, Vt.").
        "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass",
        "mich", "minn", "miss", "mo", "mont", "neb", "nev", "n.h.", "n.j.", "n.m.", "n.y.", "n.c.", "n.d.", "okla", "ore",
        "pa", "r.i.", "s.c.", "s.d.", "tenn", "tex", "vt", "va", "wash", "w.va.", "wis", "wyo", "b.c.", "ont", "que", "alta",
    ]

    /// Capitalised common nouns that name nothing in particular.
    static let commonCapitalised: Set<String> = ["internet", "web", "website", "email", "online", "government", "parliamentary"]

    /// Last words of names of events, laws, prizes and other named things ("Paris Agreement").
    static let conceptTails: Set<String> = [
        "act", "law", "bill", "treaty", "agreement", "accord", "accords", "convention", "prize", "award", "awards", "cup",
        "league", "open", "championship", "championships", "games", "olympics", "festival", "show", "summit", "conference",
        "index", "war", "crisis", "protocol", "plan", "project", "declaration", "strategy", "pact", "deal", "tour", "series",
        "trophy", "marathon", "expo", "fair", "week", "day", "lights", "syndrome", "disease", "virus", "doctrine", "rule",
        "prix", "composite", "server", "edition", "version", "model", "mission", "rover", "telescope", "vaccine",
    ]

    /// First words of names of named things ("Typhoon Haiyan", "Operation Overlord").
    static let conceptHeads: Set<String> = [
        "typhoon", "hurricane", "storm", "cyclone", "tropical", "operation", "project", "windows", "mac", "galaxy",
    ]

    /// Nationality and demonym words: adjectives, not names (never an entity on their own).
    static let demonyms: Set<String> = [
        "american", "americans", "british", "briton", "britons", "english", "french", "german", "germans", "italian",
        "italians", "spanish", "russian", "russians", "chinese", "japanese", "korean", "koreans", "indian", "indians",
        "canadian", "canadians", "mexican", "mexicans", "brazilian", "brazilians", "australian", "australians",
        "european", "europeans", "african", "africans", "asian", "asians", "israeli", "israelis", "palestinian",
        "palestinians", "iranian", "iranians", "iraqi", "iraqis", "syrian", "syrians", "ukrainian", "ukrainians",
        "polish", "dutch", "swiss", "swedish", "norwegian", "danish", "finnish", "irish", "scottish", "welsh", "greek",
        "turkish", "egyptian", "saudi", "saudis", "pakistani", "afghan", "nigerian", "kenyan", "south african",
        "argentine", "argentinian", "chilean", "colombian", "venezuelan", "cuban", "vietnamese", "thai", "indonesian",
        "filipino", "malaysian", "portuguese", "belgian", "austrian", "hungarian", "czech", "romanian", "serbian", "philippine", "spaniard", "spaniards", "zambian", "kenyans", "ugandan", "tanzanian", "rwandan", "congolese",
        "senegalese", "malian", "ethiopians", "scot", "scots", "dane", "danes", "swede", "swedes", "finn", "finns", "pole", "poles", "turk", "turks",
        "croatian", "arab", "arabs", "muslim", "muslims", "christian", "christians", "jewish", "jews", "catholic",
        "catholics", "protestant", "hindu", "buddhist", "western", "eastern", "northern", "southern", "latino",
        "hispanic", "kurdish", "kurds", "north american", "south american", "latin american", "central american", "taiwanese", "lebanese", "jordanian", "qatari", "emirati", "ethiopian",
        "sudanese", "somali", "ghanaian", "moroccan", "algerian", "tunisian", "libyan", "yemeni", "new zealander",
    ]

    /// Month names (and the usual abbreviations) by number.
    static let months: [String: Int] = [
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
        "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
        "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    ]

    static let weekdays: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// Verbs of speech that follow or precede a person's name ("…, Smith said").
    static let speechVerbs: Set<String> = [
        "said", "says", "told", "tells", "added", "noted", "wrote", "writes", "explained", "argued", "insisted",
        "warned", "stated", "announced", "declared", "asked", "replied", "recalled", "admitted", "acknowledged",
    ]

    /// Words of lower case allowed inside a name ("Bank of England", "Ursula von der Leyen").
    static let nameConnectors: Set<String> = ["of", "de", "da", "do", "dos", "das", "del", "della", "di", "du", "des",
                                              "van", "von", "der", "den", "ter", "la", "le", "bin", "ibn", "al", "el", "y", "&", "the", "for", "and", "upon"]

    /// Connectors that may only join organisation or place names, never a person's.
    static let institutionalConnectors: Set<String> = ["of", "the", "for", "and", "&", "upon"]

    /// Letters after a name that are not part of it ("Sarah Okonjo KC", "Labour MPs").
    static let postNominals: Set<String> = ["kc", "qc", "mp", "mps", "mep", "meps", "phd", "obe", "mbe", "cbe", "esq"]

    /// Upper-case abbreviations of common words, never names on their own.
    static let commonAcronyms: Set<String> = [
        "ai", "ceo", "cfo", "cto", "coo", "gdp", "tv", "pc", "it", "ok", "pm", "am", "usb", "pdf", "html", "api", "faq", "diy",
        "vip", "dna", "rna", "id", "ip", "url", "http", "https", "www", "etc", "eg", "ie", "vs", "aka", "fyi", "asap", "nb",
        "ps", "q", "a", "ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "ev", "evs", "esg", "ipo", "m&a", "r&d",
    ]

    /// Words inside a name that make it an institution wherever they stand ("Imperial College London").
    static let institutionWords: Set<String> = [
        "university", "college", "institute", "bank", "ministry", "department", "commission", "council", "agency",
        "association", "corporation", "company", "foundation", "federation", "party", "committee", "academy", "authority",
    ]
}
