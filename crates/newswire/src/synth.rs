//! Synthetic fictional news, made deterministically from a seed.
//!
//! Articles come in events: one to five articles about the same fictional happening (same
//! companies, people, places and figures), as several outlets would cover it. Each article is
//! written from sentence templates: `{slot}` takes an event fact or a fresh random value,
//! `[a|b|c]` picks one phrasing. Every article draws its own templates, phrasings, numbers
//! and bystanders, so no two articles share more than a small part of their wording and
//! near-duplicate detection sees them as distinct.

use crate::rng::Rng;

/// One generated article.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub section: &'static str,
}

/// Fewest words of a synthetic article body.
const MIN_WORDS: usize = 170;
/// Most words of a synthetic article body (the target is drawn between the two).
const MAX_WORDS: usize = 480;

const COMPANY_HEADS: &[&str] = &[
    "Corvane",
    "Altmere",
    "Brightwater",
    "Kestrel",
    "Halden",
    "Marlow",
    "Ostrava",
    "Pellham",
    "Quillon",
    "Redfern",
    "Sablewood",
    "Tarrant",
    "Vessen",
    "Wexmoor",
    "Yarrow",
    "Zephyrine",
    "Ashcombe",
    "Belcastle",
    "Calloway",
    "Dunmore",
    "Everly",
    "Fenwick",
    "Grantley",
    "Holloway",
    "Ironvale",
    "Juniper",
    "Kingsreach",
    "Lindqvist",
    "Moorcroft",
    "Northwind",
];
const COMPANY_TAILS: &[&str] = &[
    "Logistics",
    "Foods",
    "Energy",
    "Robotics",
    "Pharmaceuticals",
    "Holdings",
    "Textiles",
    "Shipping",
    "Software",
    "Mining",
    "Airways",
    "Bank",
    "Motors",
    "Telecom",
    "Brewing",
    "Analytics",
    "Materials",
    "Insurance",
    "Biotech",
    "Grid",
];
const FIRST_NAMES: &[&str] = &[
    "Amara", "Bastian", "Celine", "Dorian", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
    "Katja", "Lucian", "Maren", "Nikolai", "Odile", "Pavel", "Rosalind", "Soren", "Tamsin",
    "Ulrich", "Vera", "Wendell", "Ximena", "Yusuf", "Zelda", "Anselm", "Brigid", "Casimir",
    "Delphine", "Emrys", "Fenella", "Gideon", "Hester", "Ivo", "Juniper", "Kasimir", "Leontine",
    "Magnus", "Noor", "Oswin",
];
const LAST_NAMES: &[&str] = &[
    "Achterberg",
    "Blackwood",
    "Castellane",
    "Draycott",
    "Eskildsen",
    "Fairbairn",
    "Gallowglass",
    "Hartigan",
    "Ingleby",
    "Jessop",
    "Kowalczyk",
    "Lindgren",
    "Mackintosh",
    "Nakashima",
    "Okonkwo",
    "Pennington",
    "Quartermain",
    "Rasmussen",
    "Strachan",
    "Thorvaldsen",
    "Underhill",
    "Vasquez-Hale",
    "Whitlock",
    "Yardley",
    "Zabinski",
    "Ashdown",
    "Brennagh",
    "Cordero",
    "Dunleavy",
    "Elsworth",
    "Fitzallan",
    "Greaves",
    "Halvorsen",
    "Iredale",
    "Jankowski",
    "Kettering",
    "Lockhart",
    "Marchetti",
    "Nettleship",
    "Oyelaran",
];
const TOWN_HEADS: &[&str] = &[
    "Ash", "Bel", "Cal", "Dun", "Elm", "Fair", "Glen", "Hart", "Ivy", "Kel", "Lark", "Mar", "Nor",
    "Oak", "Pem", "Quar", "Ros", "Sel", "Thorn", "Val", "Wes", "Yel",
];
const TOWN_TAILS: &[&str] = &[
    "ford", "bridge", "haven", "mouth", "field", "wick", "stead", "port", "ton", "dale", "moor",
    "bury",
];
const REGIONS: &[&str] = &[
    "the Eastmarch region",
    "Lower Vale province",
    "the Corran coast",
    "the northern uplands",
    "Greymere county",
    "the Saltreach delta",
    "Westerly province",
    "the Harrow valley",
];
const MASCOTS: &[&str] = &[
    "Rovers", "Falcons", "United", "Harriers", "Mariners", "Wolves", "Comets", "Athletic",
];
const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A fictional person's full name.
pub(crate) fn person(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

/// A fictional town.
pub(crate) fn town(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(TOWN_HEADS), rng.pick(TOWN_TAILS))
}

fn company(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(COMPANY_HEADS), rng.pick(COMPANY_TAILS))
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn money(rng: &mut Rng) -> String {
    if rng.chance(1, 3) {
        format!("${}.{} billion", rng.range(1, 19), rng.range(1, 9))
    } else {
        format!("${} million", rng.range(12, 940))
    }
}

fn percent(rng: &mut Rng) -> String {
    format!("{}.{}", rng.range(1, 38), rng.range(0, 9))
}

/// What every article about one event agrees on.
struct Facts {
    company: String,
    company2: String,
    person: String,
    surname: String,
    role: &'static str,
    person2: String,
    role2: &'static str,
    town: String,
    town2: String,
    region: &'static str,
    team: String,
    team2: String,
    amount: String,
    count: u64,
    pct: String,
    score: (u64, u64),
}

impl Facts {
    fn new(topic: &Topic, rng: &mut Rng) -> Self {
        let surname = *rng.pick(LAST_NAMES);
        let person = format!("{} {surname}", rng.pick(FIRST_NAMES));
        let town = town(rng);
        let mut town2 = self::town(rng);
        while town2 == town {
            town2 = self::town(rng);
        }
        let company = company(rng);
        let mut company2 = self::company(rng);
        while company2 == company {
            company2 = self::company(rng);
        }
        let team = format!("{town} {}", rng.pick(MASCOTS));
        let team2 = format!("{town2} {}", rng.pick(MASCOTS));
        let winner = rng.range(2, 5);
        Facts {
            company,
            company2,
            surname: surname.to_string(),
            person,
            role: rng.pick::<&str>(topic.roles),
            person2: self::person(rng),
            role2: rng.pick::<&str>(topic.roles2),
            town,
            town2,
            region: rng.pick::<&str>(REGIONS),
            team,
            team2,
            amount: money(rng),
            count: rng.range(40, 4800),
            pct: percent(rng),
            score: (winner, rng.range(0, winner - 1)),
        }
    }

    /// The value of `{name}`: an event fact, or a fresh random value.
    fn slot(&self, name: &str, rng: &mut Rng) -> String {
        match name {
            "company" => self.company.clone(),
            "company2" => self.company2.clone(),
            "company3" => company(rng),
            "person" => self.person.clone(),
            "surname" => self.surname.clone(),
            "role" => self.role.to_string(),
            "person2" => self.person2.clone(),
            "role2" => self.role2.to_string(),
            "voice" => person(rng),
            "town" => self.town.clone(),
            "town2" => self.town2.clone(),
            "uni" => format!("University of {}", self.town2),
            "region" => self.region.to_string(),
            "team" => self.team.clone(),
            "team2" => self.team2.clone(),
            "score" => format!("{}-{}", self.score.0, self.score.1),
            "amount" => self.amount.clone(),
            "money" => money(rng),
            "count" => thousands(self.count),
            "pct" => self.pct.clone(),
            "pct2" => percent(rng),
            "n" => rng.range(2, 95).to_string(),
            "big" => thousands(rng.range(120, 98_000)),
            "minute" => rng.range(3, 89).to_string(),
            "day" => rng.pick(WEEKDAYS).to_string(),
            "month" => rng.pick(MONTHS).to_string(),
            _ => String::new(),
        }
    }

    /// Fills a template: `{slot}` and `[one|of|these]` (alternatives may hold slots).
    fn fill(&self, template: &str, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(i) = rest.find(['{', '[']) {
            out.push_str(&rest[..i]);
            let open = rest.as_bytes()[i];
            let close = if open == b'{' { '}' } else { ']' };
            let Some(len) = rest[i + 1..].find(close) else {
                out.push_str(&rest[i..]);
                return out;
            };
            let inner = &rest[i + 1..i + 1 + len];
            if open == b'{' {
                out.push_str(&self.slot(inner, rng));
            } else {
                let choices: Vec<&str> = inner.split('|').collect();
                let choice = *rng.pick(&choices);
                out.push_str(&self.fill(choice, rng));
            }
            rest = &rest[i + 2 + len..];
        }
        out.push_str(rest);
        out
    }
}

/// Sentence templates of one kind of story.
struct Topic {
    section: &'static str,
    roles: &'static [&'static str],
    roles2: &'static [&'static str],
    heads: &'static [&'static str],
    leads: &'static [&'static str],
    body: &'static [&'static str],
}

/// Sentences that fit any story.
const GENERIC: &[&str] = &[
    "The [announcement|news] came [as|while] {town} [prepares for|braces for|heads into] a [busy|difficult|closely watched] [season|quarter|few weeks], [according to|said] local officials.",
    "Residents contacted on {day} [were divided|offered mixed views|had plenty to say] about the [decision|plans|news], with several [asking|wondering] who would [pay|be responsible].",
    "{voice}, who has lived in {town} for {n} years, [said|told reporters] the [change|news] was [long overdue|a surprise|hard to judge yet].",
    "[Officials|Organisers|Representatives] [declined to|would not] [say|confirm] [when|whether] further details about {company2} would be [published|released|made public].",
    "A [full|detailed|written] report [is expected|should follow] [by the end of {month}|within {n} days|next {day}], [officials said|a spokesperson said].",
    "[Critics|Opponents|Some observers] in {town2} [argue|say|warn] that the [costs|risks|delays] have been [underestimated|played down|poorly explained] from the start.",
    "The [figures|numbers] [were released|were published|came out] on {day} and [cover|include] the period since {month}, when {big} [cases|requests|applications] were [logged|recorded].",
    "Similar [projects|measures|plans] in {town2} [took|needed] [roughly|about|nearly] {n} months to [show results|take effect|complete], [records show|according to council papers].",
    "[A meeting|A public hearing|An information session] [is scheduled|has been called] for {day} evening at the {town} [civic hall|community centre|public library], where {voice} [will speak|is due to answer questions].",
    "[Neither|None of the parties involved] [responded|replied] to [requests for comment|emails sent on {day}] [by the time of publication|before this article went to press].",
    "[In a statement|In a written statement|On its website], {company2} said it was [monitoring|following|reviewing] the [situation|developments] in {town} [closely|carefully].",
    "{voice}, [an economist|a researcher|a historian] at the {uni}, said the [episode|case|decision] [showed|illustrated|underlined] how [quickly|much] things had [changed|shifted] in {region}.",
    "[Last year|In the previous year|Twelve months ago], [a similar|a comparable] [plan|proposal] in {town2} [was shelved|stalled|was voted down] after {n} [objections|complaints|legal challenges].",
    "[About|Roughly|Some] {big} people [live|work] in the [area|district] [affected|concerned], [according to|based on] [council|census|municipal] figures for {region}.",
    "[Local businesses|Shop owners|Traders] on {town}'s [high street|market square|harbour front] said [trade|footfall] had [dropped|risen|changed] by [about|nearly|more than] {pct2} [percent|per cent] [since|over] {month}.",
    "{voice}, [a spokesperson|a spokeswoman|a spokesman] for the {region} [authority|administration], [said|confirmed] that [talks|discussions] with {town} would [continue|resume] on {day}.",
];

const TOPICS: &[Topic] = &[
    Topic {
        section: "Business",
        roles: &[
            "chief executive",
            "chief financial officer",
            "chair",
            "head of operations",
        ],
        roles2: &[
            "a board member",
            "the company's founder",
            "a senior adviser",
        ],
        heads: &[
            "{company} [agrees|moves] to buy {company2} in {amount} deal",
            "{company2} [accepts|backs] {amount} takeover offer from {company}",
            "{company} [bets|wagers] {amount} on {company2} [as|amid] [sector|market] [shifts|pressure]",
            "What {company}'s {amount} [bid|offer] [means|could mean] for {town}",
        ],
        leads: &[
            "{company} [said|announced|confirmed] on {day} that it [had agreed to buy|would acquire|reached a deal to take over] {company2} for {amount}, [a move that|in a deal that] [would create|creates] one of the largest [groups|operators] in {region}.",
            "{company2}, the {town}-based [firm|group|company], [will be|is set to be] [acquired|taken over] by {company} in a deal [worth|valued at] {amount}, the two companies [said|announced] on {day}.",
        ],
        body: &[
            "The offer [values|prices] {company2} at a premium of {pct} [percent|per cent] to its closing share price [on the previous day|last week|before the announcement].",
            "{person}, {company}'s {role}, [said|told analysts on a call] the [deal|acquisition|combination] would [save|yield] about {money} a year [in costs|in savings] by [the third year|year three].",
            "{company2} employs [about|roughly|some] {count} people, [most of them|many of them|the majority] at its [plant|headquarters|sites] in {town}.",
            "[Unions|Staff representatives|Worker groups] [asked for|demanded|sought] [guarantees|assurances] [on jobs|that no sites would close] [before|ahead of] the [vote|shareholder meeting] in {month}.",
            "Shares in {company} [rose|fell|slipped|climbed] {pct2} [percent|per cent] in [early|afternoon|late] trading [after|following] the announcement, [while|and] {company2} [jumped|surged|gained] {pct2} [percent|per cent].",
            "[Regulators|Competition authorities] in {region} [are expected to|will] [review|examine] the [deal|transaction] [over the coming months|before it can close], [lawyers said|according to people familiar with the process].",
            "{company} [reported|posted] [revenue|sales] of {money} [last year|in its latest financial year], [up|down] {pct2} [percent|per cent] from the year before.",
            "[Analysts|Market watchers] at {company3} [called|described] the price [full|generous|reasonable] [but|and] [said|noted] that [integration|execution] would [be the real test|take years].",
            "{company2} [had been|was] [exploring|weighing] [options|a sale|strategic alternatives] since {month}, [after|following] [a weak|a difficult|a disappointing] [year|quarter] for its [export|retail|wholesale] business.",
            "\"[This is|It is] a [natural|logical|compelling] fit for both [companies|businesses],\" {person} said. \"[Our customers|The people of {town}] [will|should] [see|feel] the benefits [quickly|within a year].\"",
            "\"We [will|intend to] keep the {town} [site|plant|offices] [open|running],\" {surname} [said|added|insisted], [though|but] [declined to|would not] [rule out|give figures on] [changes|job cuts] [elsewhere|at smaller sites].",
            "{person2}, {role2} of {company2}, [said|told this newspaper] the board had [weighed|considered] {n} [offers|bids|approaches] [before|and] [settling on|backing] {company}'s.",
        ],
    },
    Topic {
        section: "Politics",
        roles: &["mayor", "council leader", "deputy mayor"],
        roles2: &[
            "leader of the opposition group",
            "a councillor for the harbour ward",
            "chair of the finance committee",
        ],
        heads: &[
            "{town} council [approves|backs|passes] {amount} [budget|spending plan]",
            "[Row|Dispute] over {town} [housing|parking|transport] plan [deepens|widens] as vote [nears|approaches]",
            "{town} {role} {person} [faces|survives] [confidence vote|budget revolt]",
            "[Tax rise|Council tax increase] of {pct} [percent|per cent] [split|divides] {town}",
        ],
        leads: &[
            "[Councillors|Council members] in {town} [voted|narrowly voted] {count} to {n} on {day} to [approve|adopt|pass] a {amount} [budget|spending plan] that [raises|increases] local [taxes|charges] by {pct} [percent|per cent].",
            "{person}, the {role} of {town}, [faces|is facing] [mounting|growing] [pressure|criticism] over a [plan|proposal] to [build|develop] {count} [homes|flats|housing units] on the edge of the [town|old harbour].",
        ],
        body: &[
            "The [plan|budget] [sets aside|includes|earmarks] {money} for [road repairs|school buildings|street lighting|the library service] [over the next|during the coming] {n} months.",
            "[Opposition|Several] [members|councillors] [argued|complained] that the [proposal|plan] had been [rushed|pushed] through [without|with little] [consultation|public debate] in {town}.",
            "{person} [said|insisted] the [council|authority] had [no choice|little room] [after|given] [cuts|reductions] in [regional|central] [funding|grants] of {pct2} [percent|per cent].",
            "[A petition|An online petition] against the [plan|proposal] [has gathered|collected] more than {big} signatures [since|in] {month}, [organisers said|according to its organisers].",
            "[The vote|The decision] [followed|came after] a [four-hour|lengthy|heated] [meeting|debate] at {town} town hall [that ran|which ran] [past midnight|late into the evening].",
            "[Residents of|People living in] the {town} [harbour|north|old town] [district|ward] [would be|are] [most affected|hit hardest], [according to|by] the council's own [estimates|assessment].",
            "{person2}, {role2}, [said|told the meeting] the [figures|numbers] [did not add up|were built on optimistic assumptions] and [called for|demanded] an [independent review|audit].",
            "The [council|authority] [will|must] [publish|present] [a revised|an updated] [plan|timetable] [by|before] {month}, [when|after which] {region} [officials|inspectors] will [assess|review] it.",
            "\"[We listened|We have listened] to [residents|the people of {town}],\" {person} said. \"[This|The plan] [protects|keeps] the services [people|families] rely on.\"",
            "\"[Nobody|No one] [asked|consulted] the [people|families] who [live|work] here,\" said {voice}, [a retired teacher|a local shop owner|a nurse] who [attended|spoke at] the meeting.",
        ],
    },
    Topic {
        section: "Local",
        roles: &[
            "director of the regional transport authority",
            "head of the rail operator",
            "transport commissioner",
        ],
        roles2: &[
            "chair of the passengers' association",
            "a structural engineer",
            "the bridge's chief inspector",
        ],
        heads: &[
            "{town} bridge [closed|shut] for {n} weeks after [cracks found|inspection]",
            "[Commuters|Passengers] face [delays|disruption] as {town}-{town2} [line|route] [closes|is suspended]",
            "{amount} [repair bill|upgrade] for {town} [rail link|ring road] [approved|unveiled]",
        ],
        leads: &[
            "The main [road bridge|rail bridge|river crossing] in {town} will [stay closed|remain shut] for [at least|up to] {n} weeks after [inspectors|engineers] found [cracks|corrosion|damage] in its [supports|deck], {person}, {role}, said on {day}.",
            "[Trains|Services] between {town} and {town2} [were suspended|were halted|stopped running] on {day} [after|when] [a signal failure|a landslip|flooding] [damaged|blocked] the [line|track], [leaving|stranding] {count} [commuters|passengers] to find other routes.",
        ],
        body: &[
            "[About|Roughly|Some] {big} vehicles [cross|use] the [bridge|route] [each day|on a typical weekday], [according to|by] the authority's [counts|figures].",
            "[Replacement buses|Shuttle buses|Diversions] [will run|are running] [every|at least every] {minute} minutes [during|at] peak hours, the operator said.",
            "The [repairs|works] are [expected|estimated] to cost {amount}, [to be shared|split] between {town} and {region}.",
            "{person2}, {role2}, said the [warning signs|problems] had been [known|reported] [for years|since {month}] and [should|could] have been [dealt with|fixed] [sooner|earlier].",
            "[Drivers|Motorists] [were told|were advised] to [allow|add] [an extra|up to] {minute} minutes [for journeys|to journeys] [through|around] {town}.",
            "[Businesses|Shops|Cafés] near the [station|bridge] said [takings|sales] [fell|dropped] by [about|nearly] {pct2} [percent|per cent] [on the first day|within days].",
            "\"[Safety comes first|We will not take risks with safety],\" {person} said. \"[We will reopen|The crossing will reopen] [as soon as|only when] [engineers|inspectors] are satisfied.\"",
            "\"It [added|adds] {minute} minutes to my [commute|journey] [each way|every day],\" said {voice}, [who works|a nurse who works|a teacher who works] in {town2}.",
            "[A temporary footbridge|A ferry service|A park-and-ride site] [could|may] [open|be ready] [within|in] {n} days, [officials said|the authority said].",
        ],
    },
    Topic {
        section: "Weather",
        roles: &[
            "head of the regional emergency service",
            "chief meteorologist at the national weather office",
            "fire chief",
        ],
        roles2: &[
            "a flood warden",
            "the harbour master",
            "a volunteer coordinator",
        ],
        heads: &[
            "Storm [leaves|brings] [flooding|damage] [across|to] {town} and {town2}",
            "{count} homes without power after [gales|storm] [hit|batter] {region}",
            "[Clean-up|Recovery] [begins|under way] in {town} after [record rainfall|flash floods]",
        ],
        leads: &[
            "[Heavy rain|Gale-force winds|A fierce storm] [swept across|battered|hit] {region} [overnight|on {day}], [flooding|damaging] [streets|homes] in {town} and [cutting power to|leaving without electricity] {count} [households|homes].",
            "[Emergency crews|Fire crews|Rescue teams] in {town} [worked through the night|were called out {n} times] after [more than|about] {n} millimetres of rain fell in [six|twelve|twenty-four] hours, {person}, {role}, said.",
        ],
        body: &[
            "[Gusts|Wind gusts] of up to {n} [kilometres|miles] an hour were [recorded|measured] at {town2} [on {day}|overnight], the weather office said.",
            "[Several|At least {n}] [roads|streets] [remained|stayed] [closed|under water] on {day} [morning|afternoon], [and|while] [schools|two schools] [in {town}|nearby] [sent pupils home|stayed shut].",
            "The [power company|grid operator|utility] said it had [restored|reconnected] [power|supply] to [about|roughly] {pct2} [percent|per cent] of [affected|cut-off] [customers|homes] by [nightfall|the evening].",
            "{person2}, {role2}, said [sandbags|pumps] had been [handed out|distributed] [from|at] {n} [points|depots] [across|around] {town}.",
            "[Insurers|Loss adjusters] [estimated|put] the [damage|cost] at {amount}, [though|but] [said|warned] the [figure|number] [could|would likely] rise.",
            "[Forecasters|The weather office] [warned|said] [more rain|another band of rain|further storms] [could|would] [arrive|reach {region}] [by|on] {day}.",
            "\"[We have not seen|I have never seen] water [this high|like this] [in {n} years|since I was a child],\" said {voice}, [whose|as her|as his] [cellar|garden|shop] [flooded|filled with water].",
            "\"[Stay away|Keep away] from [the river|rivers and the seafront],\" {person} [said|urged]. \"[Conditions|The ground] [remain|are still] [dangerous|unstable].\"",
        ],
    },
    Topic {
        section: "Science",
        roles: &[
            "professor of marine biology",
            "lead author",
            "head of the research group",
        ],
        roles2: &[
            "an independent reviewer",
            "a geneticist",
            "a climate scientist",
        ],
        heads: &[
            "[Researchers|Scientists] in {town2} [find|discover] [new|unexpected] [species|behaviour] off {region}",
            "[Study|New study] [links|ties] [coastal|river] [warming|pollution] to [decline|collapse] of {town} [fisheries|wetlands]",
            "{uni} [team|lab] [maps|tracks] [ancient|hidden] [river|reef] [under|beneath] {town}",
        ],
        leads: &[
            "[Researchers|Scientists] at the {uni} [say|report] they have [found|identified|documented] [a previously unknown|an unexpected] [species of sea snail|colony of seabirds|population of freshwater mussels] [off|near] {town}, in a study published on {day}.",
            "A team led by {person}, {role} at the {uni}, [has linked|has tied] a {pct} [percent|per cent] [fall|decline] in [fish stocks|bird numbers|wetland plants] [near|around] {town} to [warmer water|run-off from farms|changes in the river's flow].",
        ],
        body: &[
            "The [team|researchers] [collected|analysed] {big} [samples|measurements|observations] over {n} [months|field seasons] [using|with] [underwater drones|sediment cores|satellite images].",
            "[Their|The] [findings|results] [appear|were published] in the journal [Coastal Systems|Ecology Letters of {region}|Marine Frontiers], [and|where] {n} [other|independent] [scientists|reviewers] [checked|reviewed] them.",
            "{person2}, {role2} who was not involved in the [work|study], [called|described] the [results|findings] [striking|solid|intriguing] [but|and] [said|noted] [more data|longer records] would [help|be needed].",
            "[Funding|Money] for the [project|study], [about|roughly] {money}, came from {company} and [a regional|the {region}] [science fund|research council].",
            "The [researchers|team] [plan to|will] [return|go back] to {town} in {month} to [repeat|extend] the [measurements|survey] [at|across] {n} [sites|stations].",
            "\"[We did not expect|Nobody expected] to find [this|so much] [so close to|just off] {town},\" {surname} said. \"[It changes|It shifts] [how we think about|our picture of] the [coast|river].\"",
            "[Local fishers|Fishing crews|Birdwatchers] had [reported|noticed] [changes|the decline] [for years|since {month}], [said|according to] {voice}, [who|and he] [helped|volunteered with] the [survey|sampling].",
            "The [study|paper] [estimates|suggests] that [numbers|populations] could [recover|rebound] [within|in] {n} years if [run-off|pollution|fishing pressure] [were cut|fell] by {pct2} [percent|per cent].",
        ],
    },
    Topic {
        section: "Sports",
        roles: &["head coach", "captain", "manager"],
        roles2: &[
            "the club's chairman",
            "the opposing coach",
            "a former player",
        ],
        heads: &[
            "{team} [beat|edge|see off] {team2} {score} [to stay top|in derby|at home]",
            "{surname} [inspires|leads] {team} [past|to win over] {team2}",
            "{team2} [fall|slip] to {score} [defeat|loss] [at|against] {team}",
        ],
        leads: &[
            "{team} [beat|defeated|overcame] {team2} {score} on {day} [evening|night|afternoon], [with|thanks to] [a late goal|two goals|a stoppage-time winner] [in front of|before] {big} [fans|spectators] [in|at] {town}.",
            "{person} [scored twice|struck in the {minute}th minute|set up the winner] as {team} [beat|saw off] {team2} {score}, [extending|stretching] their [unbeaten run|winning streak] to {n} [games|matches].",
        ],
        body: &[
            "{team2} [had|enjoyed] [more possession|the better of the first half|early chances] [but|yet] [failed to|could not] [convert|take] [them|their chances], [hitting the post|missing a penalty] in the {minute}th minute.",
            "The [result|win] [leaves|puts] {team} {n} points [clear at the top|above the relegation places|behind the leaders] with {n} [games|matches] [left|to play].",
            "{person2}, {role2}, [said|admitted] the [defeat|result] [hurt|stung] [but|and] [praised|thanked] the [travelling fans|supporters] who [made the trip|came] from {town2}.",
            "[Ticket sales|Attendance] [at|for] the [stadium|ground] in {town} [rose|climbed] {pct2} [percent|per cent] this season, the club said.",
            "{team} [next|now] [face|play|travel to] [a cup tie|a league game|a derby] [against|at] {company}-sponsored {town2} [Athletic|Rangers|City] on {day}.",
            "\"[The lads|The team|The players] [showed|gave] [real character|everything] [today|tonight],\" {person}, the {role}, [said|told reporters]. \"[We knew|We always knew] {team2} would [make it hard|push us].\"",
            "[The {minute}th-minute|A late] [red card|penalty decision|offside call] [angered|frustrated] the [visitors|home bench], [and|while] {voice} [said|argued] it [changed|decided] the game.",
            "[Injuries|Suspensions] [to|for] {n} [regular starters|first-team players] [mean|meant] {team} [had to|must] [rely on|field] [younger|squad] players [again|for the next {n} weeks].",
        ],
    },
    Topic {
        section: "Health",
        roles: &[
            "medical director",
            "chief nurse",
            "hospital chief executive",
        ],
        roles2: &[
            "a general practitioner",
            "a patients' advocate",
            "a health economist",
        ],
        heads: &[
            "{town} hospital [opens|unveils] {amount} [cancer|children's|emergency] [wing|unit]",
            "[Waiting times|Waits] at {town} [emergency department|clinics] [rise|fall] {pct} [percent|per cent]",
            "[Flu|Measles|Norovirus] cases [rise|climb] in {region} as {town} [hospital|clinics] [restricts visits|fill up]",
        ],
        leads: &[
            "{town} General Hospital [opened|unveiled] a {amount} [cancer|children's|emergency] [wing|unit] on {day}, [adding|with] {n} beds and [room|space] for {count} [patients|appointments] a year, {person}, the {role}, said.",
            "[Patients|People] [waited|were waiting] {pct} [percent|per cent] [longer|less] [for treatment|to be seen] at {town}'s [emergency department|clinics] in {month} than a year earlier, [figures|data] published on {day} [show|showed].",
        ],
        body: &[
            "[Staff shortages|A lack of nurses|Vacancies] [remain|are still] the [biggest|main] [problem|obstacle], with {n} [posts|positions] [unfilled|empty] [across|at] the hospital.",
            "The [unit|wing|service] was [paid for|funded] [partly|largely] by {company} and a [public appeal|local appeal] that [raised|collected] {money}.",
            "{person2}, {role2} in {town2}, said [patients|families] [from|in] [outlying|rural] [villages|areas] [still|often] [travelled|drove] [more than|over] {n} [kilometres|miles] for [scans|treatment].",
            "[The hospital|Managers] [plan|hope] to [cut|reduce] [waits|waiting lists] by {pct2} [percent|per cent] [by|before] {month} [with|through] [evening clinics|weekend surgery lists|a new triage system].",
            "[Visiting|Visits] [will be|remain] [limited|restricted] to {n} [people|visitors] per patient [until further notice|for now], [the hospital said|a notice said].",
            "\"[This will|It will] [make a real difference|change things] for [families|patients] in {town},\" {person} said. \"[Nobody|No one] should [wait|have to wait] [this long|hours] for [care|help].\"",
            "\"[I waited|We waited] {n} hours [with my|for my] [father|daughter|mother] [on|last] {day},\" said {voice}. \"[The staff were wonderful|The nurses did their best], but [there were not enough of them|they were stretched].\"",
            "[Regional|Health] [officials|authorities] in {region} [said|reported] {big} [cases|admissions] [this winter|so far this year], [up|down] {pct2} [percent|per cent] on the [previous|last] season.",
        ],
    },
    Topic {
        section: "Technology",
        roles: &["chief technology officer", "founder", "head of security"],
        roles2: &[
            "a security researcher",
            "a consumer rights lawyer",
            "an industry analyst",
        ],
        heads: &[
            "{company} [launches|unveils] [delivery drones|home battery|payment app] in {town}",
            "[Data breach|Cyber attack] at {company} [exposes|affects] {count} customers",
            "{town} [start-up|firm] {company2} [raises|secures] {amount} [for|to expand] [its|an] [AI|sensor|logistics] [platform|service]",
        ],
        leads: &[
            "{company} [said|confirmed|disclosed] on {day} that [hackers|attackers|an intruder] had [accessed|stolen|copied] [names, addresses and order histories|account details] of {count} [customers|users], [in|after] [a breach|an attack] [discovered|noticed] in {month}.",
            "{company2}, a {town} [start-up|company] [founded|started] {n} years ago, [has raised|said it had raised] {amount} [from|led by] {company} [to|and plans to] [expand|grow] [across|into] {region}.",
        ],
        body: &[
            "[Payment card|Bank] [details|numbers] were [not|not thought to be] [affected|included], the company said, [but|and] [customers|users] [should|were urged to] [change|reset] their passwords.",
            "{person}, {company}'s {role}, [said|told reporters] the [company|firm] had [hired|brought in] [outside investigators|a forensic team] and [informed|notified] [regulators|the data protection office].",
            "The [start-up|firm|company] [employs|has] {n} [people|engineers] [in|at its office in] {town} and [plans|hopes] to [hire|recruit] {n} more [by|before] {month}.",
            "{person2}, {role2}, said the [breach|incident] [showed|was a reminder] [how|that] [smaller|older] [systems|suppliers] [remain|are] [the weak point|easy targets].",
            "[Its|The] [software|platform] [is|has been] [used|tested] by {n} [hospitals|councils|retailers] in {region} [since|as of] {month}.",
            "\"[We are sorry|We apologise] [to our customers|for the worry this causes],\" {person} said. \"[We have closed|We closed] the [gap|hole] [within hours|the same day].\"",
            "[Revenue|Sales] at {company2} [grew|rose] {pct2} [percent|per cent] [last year|in the last twelve months] to {money}, [according to|by] [its|the company's] [own figures|filings].",
            "[Customers|Users] [can|may] [call|contact] a [helpline|support line] [set up|opened] on {day}, [and|which] [had|took] {big} calls [in its first day|by the evening].",
        ],
    },
    Topic {
        section: "Courts",
        roles: &[
            "former finance director",
            "property developer",
            "former council official",
        ],
        roles2: &["the prosecutor", "defence counsel", "the presiding judge"],
        heads: &[
            "{person} [goes on trial|in court] over {amount} [fraud|bribery] [claims|charges]",
            "[Jury|Court] [clears|convicts] {town} [developer|official] {person}",
            "{surname} [trial|case] [hears|told] of [secret|hidden] payments [from|to] {company}",
        ],
        leads: &[
            "{person}, a {role} from {town}, [went on trial|appeared in court] on {day} [accused of|charged with] [diverting|taking] {amount} [from|in payments linked to] {company} [over|during] {n} years.",
            "A [jury|court] in {town2} [cleared|convicted] {person}, a {role}, on {day} [of|on] [fraud|bribery|false accounting] [charges|counts] [linked to|involving] a {amount} [contract|development] in {town}.",
        ],
        body: &[
            "{person2}, {role2}, [told|said to] the [court|jury] that [invoices|payments] [worth|totalling] {money} had been [routed|passed] through {n} [shell companies|accounts].",
            "{surname} [denies|has denied|denied] [all|the] [charges|allegations], [and|while] [his|the] [lawyers|defence] [argue|argued] the [payments|transfers] were [legitimate|consulting fees].",
            "The [trial|case] is [expected|scheduled] to [last|run for] {n} [weeks|days], [with|and] {n} [witnesses|former colleagues] [due|set] to [give evidence|testify].",
            "[Investigators|Auditors] first [noticed|flagged] the [payments|transfers] in {month} [after|when] a [whistleblower|junior accountant] at {company} [raised concerns|came forward].",
            "[Sentencing|A sentencing hearing] is [set|scheduled] for {month}; the [charges|offences] [carry|can carry] up to {n} years in prison.",
            "\"[This case|It] is about [trust|public money],\" {person2} [said|told the jury]. \"[Money|Funds] [meant|intended] for {town} [ended up|went] [elsewhere|in private accounts].\"",
            "[Outside|Outside the court], {voice}, [a former colleague|a neighbour|a council tenant], said [the town|people in {town}] [wanted|deserved] [answers|the truth].",
            "{company} said in a statement that it had [cooperated|worked] [fully|closely] with [investigators|prosecutors] and [tightened|changed] its [controls|procedures] since {month}.",
        ],
    },
    Topic {
        section: "Culture",
        roles: &["festival director", "museum curator", "artistic director"],
        roles2: &[
            "a visiting critic",
            "a local artist",
            "the festival's founder",
        ],
        heads: &[
            "{town} [festival|fair] [draws|attracts] record {count} [visitors|crowd]",
            "{town} museum [returns|unveils] [lost|rediscovered] [painting|tapestry|manuscript]",
            "{amount} [arts centre|concert hall] [opens|gets go-ahead] in {town}",
        ],
        leads: &[
            "[The|This year's] {town} [harbour|lantern|folk] [festival|fair] [drew|attracted] a record {count} [visitors|people] over {n} days, [organisers|{person}, the {role},] said on {day}.",
            "The {town} museum [has put on display|unveiled|returned to view] a [painting|tapestry|manuscript] [missing|lost|unseen] for [more than|nearly] {n} years, [after|following] its [discovery|rediscovery] in [an attic|a storeroom] in {town2}.",
        ],
        body: &[
            "[Ticket sales|Takings] [raised|brought in] {money}, [up|an increase of] {pct2} [percent|per cent] on [last year|the previous edition], [according to|said] the organisers.",
            "[The programme|This year's line-up] [included|featured] {n} [bands|performers|exhibitions], [with|and] [a closing|an opening] [concert|parade] [on|along] the [seafront|river] on {day}.",
            "{person2}, {role2}, [called|described] the [work|piece] [remarkable|a rare survivor|one of the finest of its kind] in {region}.",
            "[Conservators|Restorers] [spent|worked for] {n} months [cleaning|repairing] the [piece|work], [paid for|funded] by {company} and [private donors|a public appeal].",
            "[Hotels|Guest houses|Restaurants] in {town} [reported|said they had] [full bookings|record weekends] [and|while] [traders|stallholders] [estimated|put] [extra|additional] spending at {amount}.",
            "\"[We never expected|Nobody expected] [crowds|numbers] like [this|these],\" said {person}. \"[It shows|This shows] [what|how much] {town} [can do|has to offer].\"",
            "\"[I have come|We come] [every year|back each summer] [since|for] {n} years,\" said {voice}, [visiting|who travelled] from {town2}. \"[This was|It was] the best [yet|one so far].\"",
            "[The museum|The centre] [will|plans to] [open|stay open] [late|until 9pm] on {day}s [through|until] {month} [to cope with|for] [demand|the crowds].",
        ],
    },
];

/// Writes the articles of one event: `count` distinct articles on the same facts.
pub(crate) fn event(seed: u64, event: u64, count: usize) -> Vec<Draft> {
    let mut rng = Rng::new(seed, event.wrapping_mul(2).wrapping_add(1));
    let topic = rng.pick(TOPICS);
    let facts = Facts::new(topic, &mut rng);
    let first_head = rng.below(topic.heads.len());
    (0..count)
        .map(|k| {
            let mut rng = Rng::new(seed ^ 0x5EED, event.wrapping_mul(64).wrapping_add(k as u64));
            let head = topic.heads[(first_head + k) % topic.heads.len()];
            let title = capitalize(&facts.fill(head, &mut rng));
            Draft {
                title,
                paragraphs: body(topic, &facts, &mut rng),
                section: topic.section,
            }
        })
        .collect()
}

/// A body: a lead, then topic and generic sentences in a fresh order, in paragraphs of one
/// to three sentences, until the drawn length is reached.
fn body(topic: &Topic, facts: &Facts, rng: &mut Rng) -> Vec<String> {
    let target = rng.range(MIN_WORDS as u64, MAX_WORDS as u64) as usize;
    let mut pool: Vec<&str> = topic.body.iter().chain(GENERIC).copied().collect();
    rng.shuffle(&mut pool);
    let lead = *rng.pick(topic.leads);
    let mut sentences = vec![facts.fill(lead, rng)];
    let mut words = count_words(&sentences[0]);
    for template in pool {
        if words >= target {
            break;
        }
        let sentence = facts.fill(template, rng);
        words += count_words(&sentence);
        sentences.push(sentence);
    }
    let mut paragraphs = Vec::new();
    let mut rest = sentences.as_slice();
    let mut first = true;
    while !rest.is_empty() {
        let take = if first { 1 } else { rng.range(1, 3) as usize }.min(rest.len());
        first = false;
        paragraphs.push(rest[..take].join(" "));
        rest = &rest[take..];
    }
    paragraphs
}

fn count_words(text: &str) -> usize {
    text.split_whitespace().count()
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn shingles(text: &str) -> HashSet<u64> {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words
            .windows(5)
            .map(|w| {
                let mut h = DefaultHasher::new();
                w.hash(&mut h);
                h.finish()
            })
            .collect()
    }

    fn jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
        let shared = a.intersection(b).count();
        shared as f64 / (a.len() + b.len() - shared).max(1) as f64
    }

    #[test]
    fn articles_are_long_filled_and_deterministic() {
        for e in 0..200 {
            let drafts = event(42, e, 3);
            assert_eq!(drafts.len(), 3);
            for d in &drafts {
                let text = d.paragraphs.join(" ");
                assert!(count_words(&text) >= 150, "{text}");
                assert!(!text.contains(['{', '}', '[', ']']), "{text}");
                assert!(!d.title.is_empty() && !d.title.contains('{'));
            }
        }
        let a = event(7, 3, 2);
        let b = event(7, 3, 2);
        assert_eq!(a[1].paragraphs, b[1].paragraphs);
        assert_ne!(event(8, 3, 1)[0].paragraphs, a[0].paragraphs);
    }

    #[test]
    fn no_two_articles_look_like_copies() {
        let mut all = Vec::new();
        for e in 0..120 {
            for d in event(1, e, 1 + (e % 4) as usize) {
                all.push(shingles(&d.paragraphs.join(" ")));
            }
        }
        let mut worst: f64 = 0.0;
        for i in 0..all.len() {
            for j in i + 1..all.len() {
                worst = worst.max(jaccard(&all[i], &all[j]));
            }
        }
        println!("closest pair resembles at {worst:.3}");
        assert!(worst < 0.3, "closest pair resembles at {worst:.2}");
    }
}
