using FsCheck;
using FsCheck.Fluent;

namespace Dstack.Tasks.Tests;

[Trait("Category", "Fast")]
public sealed class CommandLineWordsTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(2_000).WithQuietOnSuccess(true);

    public static TheoryData<string, string[]> Splits { get; } = new()
    {
        { "--prompt \"Dogs in hats\" --epochs 3", ["--prompt", "Dogs in hats", "--epochs", "3"] },
        { "a b", ["a", "b"] },
        { "  a   b  ", ["a", "b"] },
        { "a\tb\t\tc", ["a", "b", "c"] },
        { "a\nb\r\nc", ["a", "b", "c"] },
        { "'a b'  c", ["a b", "c"] },
        { "'a \"b\" \\\\ \\n $HOME'", ["a \"b\" \\\\ \\n $HOME"] },
        { "\"say \\\"hi\\\"\"", ["say \"hi\""] },
        { "\"a\\\\b\"", ["a\\b"] },
        { "\"a\\\\\"", ["a\\"] },
        { "\"a\\nb\"", ["a\\nb"] },
        { "\"it's\"", ["it's"] },
        { @"C:\data\in --out D:\x\", [@"C:\data\in", "--out", @"D:\x\"] },
        { @"a\""b""", ["a\\b"] },
        { "''", [""] },
        { "\"\"", [""] },
        { "a '' b \"\" c", ["a", "", "b", "", "c"] },
        { "a\"b c\"d", ["ab cd"] },
        { "x'y z'\"w v\"u", ["xy zw vu"] },
        { "--name=\"two words\"", ["--name=two words"] },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void TrySplit_Text_GivesTheWords(string text, string[] expected)
    {
        Assert.True(CommandLineWords.TrySplit(text, out var words, out var problem), problem);

        Assert.Null(problem);
        Assert.Equal(expected, words);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n ")]
    public void TrySplit_NothingButWhitespace_GivesNoWords(string? text)
    {
        Assert.True(CommandLineWords.TrySplit(text, out var words, out var problem));

        Assert.Null(problem);
        Assert.Empty(words);
    }

    [Theory]
    [InlineData("a 'b c", "the single quote at character 3 is never closed")]
    [InlineData("x \"y", "the double quote at character 3 is never closed")]
    [InlineData("\"", "the double quote at character 1 is never closed")]
    [InlineData("ok 'fine' \"open \\\"", "the double quote at character 11 is never closed")]
    [InlineData("\"a\\\"", "the double quote at character 1 is never closed")]
    [InlineData("'it's'", "the single quote at character 6 is never closed")]
    public void TrySplit_UnclosedQuote_FailsNamingTheQuoteAndItsPosition(string text, string expected)
    {
        Assert.False(CommandLineWords.TrySplit(text, out _, out var problem));

        Assert.Equal(expected, problem);
    }

    [Fact]
    public void TrySplit_WordsInSingleQuotes_GivesThemBack() =>
        Check.One(Cases, Prop.ForAll(Words().ToArbitrary(), words =>
        {
            // The shell's way to put ' in a single-quoted word: close, "'" , reopen.
            var text = string.Join(" ", words.Select(w => "'" + w.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'"));

            Assert.True(CommandLineWords.TrySplit(text, out var split, out var problem), $"{text}: {problem}");
            Assert.Equal(words, split);
        }));

    [Fact]
    public void TrySplit_WordsInDoubleQuotes_GivesThemBack() =>
        Check.One(Cases, Prop.ForAll(Words().ToArbitrary(), words =>
        {
            var text = string.Join("\t", words.Select(w => "\"" + w.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));

            Assert.True(CommandLineWords.TrySplit(text, out var split, out var problem), $"{text}: {problem}");
            Assert.Equal(words, split);
        }));

    [Fact]
    public void TrySplit_PlainWordsBetweenAnyWhitespace_GivesThemBack() =>
        Check.One(Cases, Prop.ForAll(
            Gen.Zip(
                Gen.NonEmptyListOf(Word(Gen.Elements("ab\\/:=.-_Z9é".ToCharArray())).Where(w => w.Length > 0)),
                Gen.NonEmptyListOf(Gen.Elements(' ', '\t', '\n')).Select(s => new string([.. s]))).ToArbitrary(),
            pair =>
            {
                var (words, gap) = pair;
                var text = gap + string.Join(gap, words) + gap;

                Assert.True(CommandLineWords.TrySplit(text, out var split, out var problem), problem);
                Assert.Equal(words, split);
            }));

    /// <summary>Lists of words of any characters: spaces, both quotes, backslashes and empty words included.</summary>
    private static Gen<List<string>> Words() =>
        Gen.ListOf(Gen.OneOf(
            Word(Gen.Elements(" \t'\"\\$ab\n".ToCharArray())),
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null)))
        .Select(words => words.ToList());

    private static Gen<string> Word(Gen<char> characters) =>
        Gen.ListOf(characters).Select(chars => new string([.. chars]));
}
