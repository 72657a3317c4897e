using System.Text.RegularExpressions;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class RunNameGeneratorTests
{
    [Fact]
    public void Next_Names_FollowDstackNamingRule()
    {
        var generator = new RunNameGenerator(new Random(7));
        for (var i = 0; i < 500; i++)
        {
            Assert.Matches(new Regex("^[a-z]+-[a-z]+-[0-9]+$"), generator.Next(new HashSet<string>()));
            Assert.Matches(new Regex("^[a-z][a-z0-9-]{1,40}$"), generator.Next(new HashSet<string>()));
        }
    }

    [Fact]
    public void Next_NameTaken_NumbersPastIt()
    {
        var first = new RunNameGenerator(new Random(1)).Next(new HashSet<string>());
        var stem = first[..first.LastIndexOf('-')];

        var next = new RunNameGenerator(new Random(1)).Next(new HashSet<string> { $"{stem}-1", $"{stem}-2" });

        Assert.Equal($"{stem}-3", next);
    }
}
