namespace Dstack.Runtime.Runs;

/// <summary>
/// Names runs as dstack does, <c>adjective-animal-N</c> (<c>shaggy-crab-1</c>): N is the smallest number that makes
/// the name unused among the names already taken. The words are our own lists.
/// </summary>
public sealed class RunNameGenerator(Random random)
{
    private static readonly string[] Adjectives =
    [
        "amber", "ancient", "bold", "brave", "breezy", "bright", "calm", "clever", "cosmic", "crisp", "curious", "dapper",
        "daring", "dusty", "eager", "early", "fancy", "fast", "fearless", "fluffy", "frosty", "gentle", "giant", "glad",
        "golden", "grand", "happy", "hardy", "honest", "humble", "icy", "jolly", "keen", "kind", "lively", "lucky",
        "mellow", "merry", "mighty", "misty", "modest", "nimble", "noble", "odd", "patient", "plucky", "polite", "proud",
        "quick", "quiet", "rapid", "rare", "rusty", "shaggy", "sharp", "shiny", "silent", "silly", "sleek", "smooth",
        "snappy", "solid", "sparkly", "spicy", "steady", "stormy", "sturdy", "sunny", "swift", "tidy", "tiny", "tough",
        "tricky", "upbeat", "vivid", "warm", "wild", "wise", "witty", "zesty",
    ];

    private static readonly string[] Animals =
    [
        "ant", "ape", "badger", "bat", "bear", "beaver", "bee", "bison", "boar", "buffalo", "camel", "cat", "cheetah",
        "cobra", "crab", "crane", "crow", "deer", "dingo", "dog", "dolphin", "donkey", "dove", "duck", "eagle", "eel",
        "elk", "emu", "falcon", "ferret", "finch", "fish", "fox", "frog", "gazelle", "gecko", "goat", "goose", "gopher",
        "gorilla", "hare", "hawk", "hedgehog", "heron", "horse", "hyena", "ibis", "jackal", "jaguar", "jellyfish",
        "koala", "lemur", "leopard", "lion", "lizard", "llama", "lobster", "lynx", "mole", "moose", "moth", "mouse",
        "mule", "newt", "octopus", "otter", "owl", "panda", "panther", "parrot", "pelican", "penguin", "pig", "pony",
        "puma", "quail", "rabbit", "raccoon", "raven", "rhino", "robin", "salmon", "seal", "shark", "sheep", "skunk",
        "sloth", "snail", "sparrow", "spider", "squid", "swan", "tiger", "toad", "turtle", "walrus", "wasp", "whale",
        "wolf", "wombat", "yak", "zebra",
    ];

    public RunNameGenerator()
        : this(Random.Shared)
    {
    }

    /// <summary>A fresh name: a random adjective and animal, numbered past every run already named that way.</summary>
    public string Next(IReadOnlySet<string> taken)
    {
        var stem = $"{Adjectives[random.Next(Adjectives.Length)]}-{Animals[random.Next(Animals.Length)]}";
        for (var n = 1; ; n++)
        {
            var name = $"{stem}-{n}";
            if (!taken.Contains(name))
            {
                return name;
            }
        }
    }
}
