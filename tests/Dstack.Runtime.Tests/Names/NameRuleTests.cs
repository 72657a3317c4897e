using Dstack.Runtime.Names;

namespace Dstack.Runtime.Tests.Names;

[Trait("Category", "Fast")]
public sealed class NameRuleTests
{
    [Theory]
    [InlineData("ab")]
    [InlineData("my-run")]
    [InlineData("shaggy-crab-1")]
    [InlineData("a1")]
    [InlineData("a-")]
    [InlineData("a0123456789012345678901234567890123456789")]
    public void Run_DstacksRunNames_AreAccepted(string name)
    {
        Assert.True(NameRule.Run.Accepts(name));
        Assert.Null(NameRule.Run.Problem(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("/etc")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("Bad Name")]
    [InlineData("UPPER")]
    [InlineData("1run")]
    [InlineData("-run")]
    [InlineData("my_run")]
    [InlineData("my.run")]
    [InlineData("my-run\n")]
    [InlineData("my-run\0")]
    [InlineData("a01234567890123456789012345678901234567890")]
    public void Run_NamesOutsideDstacksRule_AreRefused(string name)
    {
        Assert.False(NameRule.Run.Accepts(name));
        Assert.NotNull(NameRule.Run.Problem(name));
    }

    [Fact]
    public void Run_Null_IsRefused() => Assert.False(NameRule.Run.Accepts(null));

    [Theory]
    [InlineData("Bad Name", "bad-name")]
    [InlineData("UPPER", "upper")]
    [InlineData("my_run", "my-run")]
    [InlineData("../Train Job/", "train-job")]
    [InlineData("..", null)]
    [InlineData("1", null)]
    [InlineData("x", null)]
    public void Run_Suggest_GivesTheNearestValidName(string name, string? expected) =>
        Assert.Equal(expected, NameRule.Run.Suggest(name));

    [Fact]
    public void Run_Suggest_LongNameIsCutToTheLimit()
    {
        var suggestion = NameRule.Run.Suggest("Train " + new string('x', 60));

        Assert.NotNull(suggestion);
        Assert.Equal(41, suggestion.Length);
        Assert.True(NameRule.Run.Accepts(suggestion));
    }

    [Fact]
    public void Run_Problem_NamesTheValueTheRuleAndTheFix()
    {
        Assert.Equal(
            "`Bad Name` is not a valid run name: it must match '^[a-z][a-z0-9-]{1,40}$' (lower-case letters, digits and '-', starting with a letter, 2 to 41 characters); try `bad-name`",
            NameRule.Run.Problem("Bad Name"));
        Assert.EndsWith("; choose one such as `my-run`", NameRule.Run.Problem(".."), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpu1", true)]
    [InlineData("GPU-Box_2.lan", true)]
    [InlineData("10.0.0.5", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData(".hidden", false)]
    [InlineData("a/b", false)]
    [InlineData("/abs", false)]
    [InlineData("a b", false)]
    [InlineData("gpu1\n", false)]
    public void PoolHost_Names_FollowThePoolsRule(string name, bool accepted)
    {
        Assert.Equal(accepted, NameRule.PoolHost.Accepts(name));
        Assert.Equal(accepted, NameRule.PoolHost.Problem(name) is null);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("train_mnist", true)]
    [InlineData("..", false)]
    [InlineData("../x", false)]
    [InlineData("a b", false)]
    public void Workflow_Names_AreOnePlainSegment(string name, bool accepted) =>
        Assert.Equal(accepted, NameRule.Workflow.Accepts(name));

    [Theory]
    [InlineData("mnist-v1", true)]
    [InlineData("Best_2026.12", true)]
    [InlineData("-v1", false)]
    [InlineData("v1/latest", false)]
    [InlineData("my tag", false)]
    public void Tag_Names_FollowTheWorkflowsRule(string name, bool accepted)
    {
        Assert.Equal(accepted, NameRule.Tag.Accepts(name));
        Assert.Equal(accepted, NameRule.Tag.Problem(name) is null);
    }

    [Fact]
    public void Tag_Problem_NamesTheValueTheRuleAndASuggestion() =>
        Assert.Equal(
            "`my tag` is not a valid tag name: it must match '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' (letters, digits, '.', '-' and '_', starting with a letter or digit, up to 64 characters); try `my-tag`",
            NameRule.Tag.Problem("my tag"));

    [Fact]
    public void EveryRule_RefusesWhatIsNotOnePathSegment()
    {
        foreach (var rule in new[] { NameRule.Run, NameRule.PoolHost, NameRule.Workflow, NameRule.Tag })
        {
            foreach (var name in new[] { "", ".", "..", "/", "/etc/passwd", "a/b", "../ab", "ab/..", "a\\b", "a\0b" })
            {
                Assert.False(rule.Accepts(name), $"{rule.Subject} accepts '{name}'");
            }
        }
    }
}
