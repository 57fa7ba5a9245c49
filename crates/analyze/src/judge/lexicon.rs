//! The small built-in word lists that entity detection leans on: name connectors, function
//! words, job titles, organisation suffixes and cues, well-known companies and places.
//!
//! They are deliberately short and general; a deployment that needs more should grow them here
//! rather than in the code that uses them.

/// Lower-case words allowed inside a name: "Bank of England", "Procter & Gamble".
#[rustfmt::skip]
pub(super) const CONNECTORS: &[&str] = &[
    "of", "de", "del", "der", "van", "von", "da", "di", "du", "la", "le", "&",
];

/// Capitalised words that are not part of a name when they start it (or interrupt it).
#[rustfmt::skip]
pub(super) const FUNCTION_WORDS: &[&str] = &[
    "The", "A", "An", "In", "On", "At", "But", "And", "Or", "If", "When", "While", "After",
    "Before", "It", "Its", "He", "She", "They", "We", "I", "You", "This", "That", "These", "Those",
    "There", "His", "Her", "Their", "Our", "My", "As", "For", "From", "With", "By", "According",
    "However", "Meanwhile", "Also", "Under", "Over", "Do", "Did", "Does", "Is", "Are", "Was",
    "Were", "Has", "Have", "Had", "Will", "Would", "Can", "Could", "Should", "May", "Not", "No",
    "Yes", "So", "Then", "Now", "Here", "What", "Who", "Why", "How", "Where", "Which", "Some",
    "Many", "Most", "All", "Both", "Each", "Every", "Other", "Another", "Such", "Since", "Until",
    "Though", "Although", "Because", "Despite", "Amid", "Among", "About", "Into", "To", "Of", "Via",
    "Per", "Like", "Unlike", "Including", "Existing", "Image", "Photo", "Read", "More", "Report",
    "Exclusive", "Update", "Updated", "Breaking", "Watch",
];

/// Nationality adjectives: "Chinese AI startup MiniMax" names MiniMax, not "Chinese AI".
#[rustfmt::skip]
pub(super) const DEMONYMS: &[&str] = &[
    "Chinese", "American", "British", "European", "Japanese", "Korean", "Indian", "German",
    "French", "Italian", "Spanish", "Russian", "Ukrainian", "Canadian", "Mexican", "Brazilian",
    "Australian", "Taiwanese", "Singaporean", "Israeli", "Iranian", "Saudi", "Turkish", "Dutch",
    "Swiss", "Swedish", "Asian", "African",
];

/// Job titles: dropped from the start of a name, and a cue that a person follows.
#[rustfmt::skip]
pub(super) const ROLES: &[&str] = &[
    "CEO", "CFO", "CTO", "COO", "Chief", "Executive", "Chairman", "Chairwoman", "Chair",
    "President", "Vice", "Founder", "Co-founder", "Cofounder", "Director", "Mr", "Mrs", "Ms", "Dr",
    "Prof", "Professor", "Sen", "Senator", "Rep", "Gov", "Governor", "Minister", "Secretary",
    "Premier", "Mayor", "Judge", "Justice", "King", "Queen", "Prince", "Princess", "Pope",
    "General", "Analyst", "Spokesman", "Spokeswoman", "Spokesperson", "Investor", "Partner", "Head",
];

/// Words after which "of" continues a name: "Bank of England", "University of Tokyo".
#[rustfmt::skip]
pub(super) const OF_HEADS: &[&str] = &[
    "Bank", "University", "Department", "Ministry", "Office", "Institute", "Bureau", "Board",
    "Council", "Court", "Chamber", "Academy", "College", "School", "Museum", "Church", "House",
    "Republic", "Kingdom", "State", "States", "City", "Isle", "Gulf", "Bay", "Sea", "Duke",
    "Duchess", "Prince", "Princess", "Secretary", "Federation", "Association", "Society", "Union",
    "League", "Organization", "Organisation", "Commission", "Agency", "Authority", "Committee",
    "Service", "Center", "Centre", "Hall", "Statue", "Port", "Cape", "Lake",
];

/// Words right before a name that say it is a place.
#[rustfmt::skip]
pub(super) const PLACE_CUES: &[&str] = &[
    "near", "outside", "across", "throughout",
];

/// "the town of X": nouns before "of" that say a place follows.
#[rustfmt::skip]
pub(super) const PLACE_NOUNS: &[&str] = &[
    "town", "city", "village", "province", "region", "county", "state", "island", "district",
    "port", "capital", "suburb", "municipality",
];

/// Words that, right before a name, say an organisation follows ("startup MiniMax").
#[rustfmt::skip]
pub(super) const ORG_CUES: &[&str] = &[
    "startup", "start-up", "company", "firm", "giant", "maker", "developer", "rival", "unit",
    "subsidiary", "owner", "operator", "platform", "lender", "bank", "brand", "chain", "retailer",
    "chipmaker", "automaker", "carmaker", "insurer", "conglomerate", "publisher", "broadcaster",
    "newspaper", "outlet", "regulator", "agency", "backer", "backers", "investors", "fund", "group",
    "airline", "manufacturer", "supplier", "vendor", "provider",
];

/// Verbs that, right after a name, say a person is speaking.
#[rustfmt::skip]
pub(super) const SPEECH_VERBS: &[&str] = &[
    "said", "says", "told", "added", "wrote", "tweeted", "posted", "explained", "argued", "noted",
    "stated", "asked", "replied",
];

/// Capitalised words that are not entities by themselves.
#[rustfmt::skip]
pub(super) const NOISE: &[&str] = &[
    "AI", "CEO", "CFO", "CTO", "IPO", "GDP", "TV", "PC", "FAQ", "FAQs", "OK", "PM", "AM", "Mr",
    "Mrs", "Ms", "Dr", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday", "Today", "Yesterday", "Tomorrow", "Advertisement", "Copyright",
    "Getty", "Images", "Reporting", "Editing", "LLM", "LLMs", "API", "APIs", "GPU", "GPUs", "CPU",
    "EV", "EVs", "ESG", "ETF", "NFT", "SaaS", "USB", "FAQ", "PDF", "HTML", "CEOs", "GMT", "UTC",
    "EST", "EDT", "PST", "PDT", "BST", "CET", "St", "Phase",
];

/// Legal forms ending a company name.
#[rustfmt::skip]
pub(super) const LEGAL_SUFFIXES: &[&str] = &[
    "Inc", "Inc.", "Ltd", "Ltd.", "Corp", "Corp.", "Co", "Co.", "LLC", "L.L.C.", "PLC", "plc", "AG",
    "SA", "S.A.", "GmbH", "NV", "N.V.", "BV", "AB", "ASA", "SE", "Limited", "Incorporated",
    "Corporation", "LLP", "LP", "Pte", "Pty", "KK",
];

/// Words that end organisation names.
#[rustfmt::skip]
pub(super) const ORG_WORDS: &[&str] = &[
    "Group", "Holding", "Holdings", "Bank", "Capital", "Partners", "Ventures", "Management",
    "Technologies", "Technology", "Tech", "Labs", "Systems", "Motors", "Airlines", "Airways",
    "Media", "Networks", "Pharmaceuticals", "Pharma", "Foundation", "Institute", "University",
    "Association", "Agency", "Commission", "Council", "Ministry", "Department", "Exchange", "Fund",
    "Securities", "Post", "Times", "Journal", "News", "Press", "Industries", "Publishers",
    "Publishing", "Electronics", "Software", "Semiconductor", "Energy", "Insurance", "Investments",
    "Entertainment", "Studios", "Communications", "Telecom", "Robotics", "AI", "Cloud", "Reserve",
    "Authority", "Court", "Parliament", "Party", "Committee", "Office", "Board", "Foundry",
    "Therapeutics", "Biosciences", "Biotech", "Observatory", "Research", "Service", "Services",
    "Hospital", "Clinic", "Laboratories", "Chronicle", "Daily", "Wire", "Herald", "Gazette",
    "Tribune", "Observer", "Magazine", "Weekly",
];

/// Single-word organisations common in tech and business news.
#[rustfmt::skip]
pub(super) const KNOWN_ORGANIZATIONS: &[&str] = &[
    "Alibaba", "Tencent", "Baidu", "ByteDance", "Huawei", "Xiaomi", "JD.com", "Google", "Alphabet",
    "Apple", "Microsoft", "Amazon", "Meta", "Facebook", "Instagram", "WhatsApp", "Netflix",
    "Nvidia", "Intel", "AMD", "Qualcomm", "TSMC", "Samsung", "Sony", "IBM", "Oracle", "Salesforce",
    "OpenAI", "Anthropic", "DeepMind", "Tesla", "Uber", "Airbnb", "Twitter", "Bloomberg", "Reuters",
    "Sequoia", "SoftBank", "Goldman", "JPMorgan", "Citigroup", "HSBC", "Walmart", "Boeing",
    "Airbus", "Toyota", "Volkswagen", "Siemens", "Spotify", "Stripe", "Coinbase", "Binance",
    "PayPal", "eBay", "LinkedIn", "YouTube", "TikTok", "Snap", "Pinterest", "Reddit", "Yahoo",
    "Dell", "HP", "Cisco", "Adobe", "SAP", "Arm", "ASML", "Hongshan",
];

/// Countries, regions and large cities.
#[rustfmt::skip]
pub(super) const PLACES: &[&str] = &[
    "US", "U.S.", "USA", "U.S.A.", "America", "United States", "UK", "U.K.", "Britain",
    "Great Britain", "England", "Scotland", "Wales", "Ireland", "Northern Ireland", "Canada",
    "Mexico", "Brazil", "Argentina", "Chile", "Colombia", "Peru", "China", "mainland China",
    "Hong Kong", "Taiwan", "Japan", "South Korea", "North Korea", "Korea", "India", "Pakistan",
    "Bangladesh", "Indonesia", "Malaysia", "Singapore", "Thailand", "Vietnam", "Philippines",
    "Australia", "New Zealand", "Russia", "Ukraine", "Belarus", "Poland", "Germany", "France",
    "Spain", "Portugal", "Italy", "Netherlands", "Belgium", "Switzerland", "Austria", "Sweden",
    "Norway", "Denmark", "Finland", "Greece", "Turkey", "Israel", "Iran", "Iraq", "Syria",
    "Saudi Arabia", "United Arab Emirates", "UAE", "Qatar", "Egypt", "Nigeria", "Kenya",
    "South Africa", "Ethiopia", "Europe", "Asia", "Africa", "Latin America", "Middle East",
    "European Union", "EU", "Beijing", "Shanghai", "Shenzhen", "Hangzhou", "Guangzhou", "Tokyo",
    "Seoul", "Taipei", "Mumbai", "Delhi", "New Delhi", "Bangalore", "Bengaluru", "Jakarta",
    "Sydney", "Melbourne", "London", "Paris", "Berlin", "Munich", "Madrid", "Rome", "Milan",
    "Amsterdam", "Brussels", "Zurich", "Geneva", "Stockholm", "Moscow", "Kyiv", "Kiev", "Istanbul",
    "Dubai", "Tel Aviv", "Cairo", "Lagos", "Nairobi", "Johannesburg", "New York", "New York City",
    "Washington", "San Francisco", "Silicon Valley", "Los Angeles", "Seattle", "Boston", "Chicago",
    "Austin", "Miami", "Toronto", "Vancouver", "Montreal", "Mexico City", "Sao Paulo", "São Paulo",
    "Buenos Aires", "California", "Texas", "Florida", "New Jersey", "Delaware", "Massachusetts",
    "Illinois", "Ohio", "Michigan", "Georgia", "Virginia", "Oregon", "Nevada", "Arizona",
    "Colorado", "Atlanta", "Dallas", "Houston", "Denver", "Phoenix", "Philadelphia", "Detroit",
    "Las Vegas", "San Diego", "San Jose", "Portland", "Ottawa", "Dublin", "Rotterdam", "Hamburg",
    "Frankfurt", "Barcelona", "Lisbon", "Vienna", "Prague", "Warsaw", "Oslo", "Copenhagen",
    "Helsinki", "Athens", "Osaka", "Hanoi", "Bangkok", "Manila", "Karachi", "Dhaka", "Riyadh",
    "Doha", "Abu Dhabi", "Tehran", "Baghdad", "Kabul", "Jerusalem", "Gaza", "West Bank", "Crimea",
    "Siberia", "Scandinavia", "Arctic", "Antarctica",
];
