using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;
using FsCheck;
using FsCheck.Fluent;

namespace Dstack.Runtime.Tests.Yaml;

/// <summary>
/// The search for flow collections past the depth limit, which are blanked before YamlDotNet reads them: reading
/// with it gives what reading the original text gives, also where brackets are text (in quotes, comments, block
/// scalars, plain values) and where the search is misled and the reader must fall back to the original text.
/// </summary>
[Trait("Category", "Fast")]
public sealed class DeepFlowCollectionsTests
{
    private static readonly string Deep = new string('[', 150) + "x" + new string(']', 150);

    public static TheoryData<string> Texts =>
    [
        $"a: {Deep}\n",
        $"a: {new string('{', 120)}k: v{new string('}', 120)}\nb: [1, 2]\n",
        $"- {Deep}\n- {Deep}\n",
        $"a: \"{Deep}\"\nb: {Deep}\n",
        $"a: '{Deep} it''s'\nb: [x]\n",
        $"a: |\n  {Deep}\n  more\nb: [1]\n",
        $"a: >\n  {new string('[', 150)}\nb: [1]\n",
        $"# {new string('[', 150)}\nb: [1]\n",
        $"run: echo ${{{{ {new string('[', 150)}\nb: [1]\n",
        $"a: [it's, \"q]\", 'r]', {Deep}, # c ]\n  {Deep}]\n",
        $"a: [{new string('[', 110)}a 'b\n{new string(']', 110)}]\n",
        $"a: text\n  {new string('[', 150)}\nb: [1]\n",
        $"a: {new string('[', 150)}\n",
        $"a: {new string('[', 150)}x{new string(']', 149)}\n",
        $"a: &anc {Deep}\nb: *anc\n",
        $"{{{Deep}: 1}}\n",
        $"--- {Deep}\n",
        $"a: [{new string('[', 99)}{{k: {Deep}}}{new string(']', 99)}]\n",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Read_WithDeepFlowCollections_GivesWhatReadingTheOriginalGives(string text)
    {
        var blanked = new DiagnosticBag("a.yml");
        var original = new DiagnosticBag("a.yml");

        var fast = YamlTreeReader.Read(text, blanked);
        var slow = YamlTreeReader.ReadUnblanked(text, original);

        Assert.Equal(slow is null ? null : YamlJson.ToJson(slow), fast is null ? null : YamlJson.ToJson(fast));
        Assert.Equal(original.Items.Select(d => d.ToString()), blanked.Items.Select(d => d.ToString()));
    }

    [Fact]
    public void Read_BrokenInsideAnUnclosedDeepCollection_ReportsTheLimitAndASyntaxError()
    {
        // What lies past the limit is not read, so a broken quote there shows as a collection that is never closed.
        var diagnostics = new DiagnosticBag("a.yml");

        YamlTreeReader.Read($"a: {new string('[', 20_000)}\"unclosed\n", diagnostics);

        Assert.Equal([DiagnosticCodes.NestingTooDeep, DiagnosticCodes.YamlSyntax], diagnostics.Items.Select(d => d.Code));
        Assert.Equal(103, diagnostics.Items[0].Span.StartColumn);
    }

    [Fact]
    public void Find_NestedFlowCollections_FindsTheFirstPastTheLimitWithItsClosingBracket()
    {
        var text = $"a: {Deep}\nb: x\n";

        var found = DeepFlowCollections.Find(text, 100);

        Assert.Equal([(3 + 100, 3 + 150 + 1 + 49)], found);
    }

    [Theory]
    [InlineData("a: |\n  [[[[\n")]
    [InlineData("a: \"[[[[\"\n")]
    [InlineData("a: echo ${{ x }}\n")]
    [InlineData("# [[[[\n")]
    public void Find_BracketsThatAreText_AreNotCounted(string text)
    {
        Assert.Empty(DeepFlowCollections.Find(text.Replace("[[[[", new string('[', 200), StringComparison.Ordinal), 100));
    }

    /// <summary>Texts of YAML's structural characters with runs of brackets past the limit in them.</summary>
    private static Gen<string> RandomTexts { get; } =
        from parts in Gen.ListOf(Gen.OneOf(
            Gen.Elements("[", "]", "{", "}", ",", ": ", "- ", "'", "\"", "#", " ", "\n", "\n  ", "|", ">", "&a ", "*a", "a", "k: ", "x y"),
            Gen.Choose(95, 130).Select(n => new string('[', n)),
            Gen.Choose(95, 130).Select(n => new string(']', n)),
            Gen.Choose(30, 60).Select(n => string.Concat(Enumerable.Repeat("{a: ", n)))))
        select string.Concat(parts);

    [Fact]
    public void Read_AnyTextWithoutSyntaxErrors_GivesWhatReadingTheOriginalGives() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1_500).WithQuietOnSuccess(true), Prop.ForAll(RandomTexts.ToArbitrary(), text =>
        {
            var blanked = new DiagnosticBag("a.yml");
            var original = new DiagnosticBag("a.yml");

            var fast = YamlTreeReader.Read(text, blanked);
            var slow = YamlTreeReader.ReadUnblanked(text, original);

            foreach (var (open, close) in DeepFlowCollections.Find(text, YamlTreeReader.MaxDepth))
            {
                Assert.True(open < close && close <= text.Length && text[open] is '[' or '{', $"({open}, {close}) in {text}");
            }

            if (!original.Items.Any(d => d.Code == DiagnosticCodes.YamlSyntax))
            {
                Assert.Equal(slow is null ? null : YamlJson.ToJson(slow), fast is null ? null : YamlJson.ToJson(fast));
                Assert.Equal(original.Items.Select(d => d.ToString()), blanked.Items.Select(d => d.ToString()));
            }
        }));
}
