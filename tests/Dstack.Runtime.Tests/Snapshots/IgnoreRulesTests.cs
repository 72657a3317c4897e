using Dstack.Runtime.Snapshots;

namespace Dstack.Runtime.Tests.Snapshots;

public sealed class IgnoreRulesTests : IDisposable
{
    private readonly TempTree tree = new();

    public void Dispose() => tree.Dispose();

    [Theory]
    [InlineData("*.log", "x.log", false, true)]
    [InlineData("*.log", "deep/er/x.log", false, true)]
    [InlineData("*.log", "x.log.txt", false, false)]
    [InlineData("build/", "build", true, true)]
    [InlineData("build/", "build", false, false)]
    [InlineData("build/", "src/build", true, true)]
    [InlineData("/build", "build", true, true)]
    [InlineData("/build", "src/build", true, false)]
    [InlineData("docs/*.md", "docs/a.md", false, true)]
    [InlineData("docs/*.md", "docs/sub/a.md", false, false)]
    [InlineData("docs/*.md", "other/docs/a.md", false, false)]
    [InlineData("**/cache", "cache", true, true)]
    [InlineData("**/cache", "a/b/cache", true, true)]
    [InlineData("a/**/z.txt", "a/z.txt", false, true)]
    [InlineData("a/**/z.txt", "a/b/c/z.txt", false, true)]
    [InlineData("a/**/z.txt", "b/a/z.txt", false, false)]
    [InlineData("logs/**", "logs/x/y.txt", false, true)]
    [InlineData("*.log\n!keep.log", "keep.log", false, false)]
    [InlineData("*.log\n!keep.log", "drop.log", false, true)]
    [InlineData("!keep.log\n*.log", "keep.log", false, true)]
    [InlineData("# *.log\n\n", "x.log", false, false)]
    [InlineData("*.log   \r\n", "x.log", false, true)]
    [InlineData("Secret.txt", "secret.txt", false, false)]
    public void IsExcluded_GitignorePattern_FollowsGitSemantics(string patterns, string path, bool isDirectory, bool expected)
    {
        tree.Write(".gitignore", patterns);

        var rules = IgnoreRules.Load(tree.Root);

        Assert.Equal(expected, rules.IsExcluded(path, isDirectory));
    }

    [Fact]
    public void IsExcluded_NestedGitignore_AppliesOnlyToItsSubtree()
    {
        tree.Write("sub/.gitignore", "*.tmp\n/local.txt\n");

        var rules = IgnoreRules.Load(tree.Root);

        Assert.True(rules.IsExcluded("sub/a.tmp", false));
        Assert.True(rules.IsExcluded("sub/deeper/a.tmp", false));
        Assert.True(rules.IsExcluded("sub/local.txt", false));
        Assert.False(rules.IsExcluded("a.tmp", false));
        Assert.False(rules.IsExcluded("other/a.tmp", false));
        Assert.False(rules.IsExcluded("local.txt", false));
        Assert.False(rules.IsExcluded("sub/deeper/local.txt", false));
    }

    [Fact]
    public void IsExcluded_DeeperNegation_OverridesParentPattern()
    {
        tree.Write(".gitignore", "*.csv\n");
        tree.Write("data/.gitignore", "!small.csv\n");

        var rules = IgnoreRules.Load(tree.Root);

        Assert.False(rules.IsExcluded("data/small.csv", false));
        Assert.True(rules.IsExcluded("data/big.csv", false));
        Assert.True(rules.IsExcluded("small.csv", false));
    }

    [Fact]
    public void IsExcluded_NegatedFileBelowExcludedFolder_StaysExcluded()
    {
        tree.Write(".gitignore", "out/\n!out/keep.txt\n");

        var rules = IgnoreRules.Load(tree.Root);

        Assert.True(rules.IsExcluded("out/keep.txt", false));
        Assert.True(rules.IsExcluded("out/deep/x.txt", false));
    }

    [Theory]
    [InlineData(".git")]
    [InlineData(".git/config")]
    [InlineData("vendor/lib/.git/HEAD")]
    [InlineData("../outside.txt")]
    [InlineData("a/../../outside.txt")]
    public void IsExcluded_GitFolderOrPathLeavingRoot_AlwaysExcluded(string path)
    {
        var rules = IgnoreRules.Load(tree.Root, IgnoreSources.None);

        Assert.True(rules.IsExcluded(path, false));
    }

    [Fact]
    public void IsExcluded_DstackIgnore_IsASeparateSetThatCannotReincludeGitignored()
    {
        tree.Write(".gitignore", "*.bin\n");
        tree.Write(".dstackignore", "data/\n!model.bin\n");
        tree.Write("nested/.dstackignore", "*.ckpt\n");

        var rules = IgnoreRules.Load(tree.Root);

        Assert.True(rules.IsExcluded("data/train.txt", false));
        Assert.True(rules.IsExcluded("model.bin", false));
        Assert.True(rules.IsExcluded("nested/x.ckpt", false));
        Assert.False(rules.IsExcluded("x.ckpt", false));
        Assert.False(rules.IsExcluded("main.py", false));
    }

    [Fact]
    public void IsExcluded_SourcesWithoutGit_ReadsOnlyDstackignore()
    {
        tree.Write(".gitignore", "*.log\n");
        tree.Write(".dstackignore", "*.ckpt\n");

        var rules = IgnoreRules.Load(tree.Root, IgnoreSources.Dstack);

        Assert.False(rules.IsExcluded("x.log", false));
        Assert.True(rules.IsExcluded("x.ckpt", false));
    }

    [Fact]
    public void IsExcluded_RootBelowWorkTreeTop_HonoursUpperGitignoreAndInfoExclude()
    {
        tree.InitGit();
        tree.Write(".gitignore", "*.log\napp/generated/\n");
        tree.Write(".git/info/exclude", "*.local\n");
        tree.Write("app/.gitignore", "!keep.log\n");

        var rules = IgnoreRules.Load(tree.Path("app"));

        Assert.True(rules.IsExcluded("x.log", false));
        Assert.False(rules.IsExcluded("keep.log", false));
        Assert.True(rules.IsExcluded("generated", true));
        Assert.True(rules.IsExcluded("generated/a.py", false));
        Assert.True(rules.IsExcluded("settings.local", false));
        Assert.False(rules.IsExcluded("main.py", false));
    }
}
