using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Tests.Yaml;

[Trait("Category", "Fast")]
public sealed class Yaml11Tests
{
    [Theory]
    [InlineData("", ScalarKind.Null)]
    [InlineData("~", ScalarKind.Null)]
    [InlineData("null", ScalarKind.Null)]
    [InlineData("Null", ScalarKind.Null)]
    [InlineData("NULL", ScalarKind.Null)]
    [InlineData("nULL", ScalarKind.String)]
    [InlineData("none", ScalarKind.String)]
    [InlineData("yes", ScalarKind.Bool)]
    [InlineData("Yes", ScalarKind.Bool)]
    [InlineData("YES", ScalarKind.Bool)]
    [InlineData("no", ScalarKind.Bool)]
    [InlineData("No", ScalarKind.Bool)]
    [InlineData("NO", ScalarKind.Bool)]
    [InlineData("true", ScalarKind.Bool)]
    [InlineData("True", ScalarKind.Bool)]
    [InlineData("TRUE", ScalarKind.Bool)]
    [InlineData("false", ScalarKind.Bool)]
    [InlineData("False", ScalarKind.Bool)]
    [InlineData("FALSE", ScalarKind.Bool)]
    [InlineData("on", ScalarKind.Bool)]
    [InlineData("On", ScalarKind.Bool)]
    [InlineData("ON", ScalarKind.Bool)]
    [InlineData("off", ScalarKind.Bool)]
    [InlineData("Off", ScalarKind.Bool)]
    [InlineData("OFF", ScalarKind.Bool)]
    [InlineData("y", ScalarKind.String)]
    [InlineData("n", ScalarKind.String)]
    [InlineData("yEs", ScalarKind.String)]
    [InlineData("oN", ScalarKind.String)]
    [InlineData("0", ScalarKind.Int)]
    [InlineData("1", ScalarKind.Int)]
    [InlineData("-5", ScalarKind.Int)]
    [InlineData("+5", ScalarKind.Int)]
    [InlineData("4090", ScalarKind.Int)]
    [InlineData("1_000", ScalarKind.Int)]
    [InlineData("0x1F", ScalarKind.Int)]
    [InlineData("0b101", ScalarKind.Int)]
    [InlineData("017", ScalarKind.Int)]
    [InlineData("8080:22", ScalarKind.Int)]
    [InlineData("1:30", ScalarKind.Int)]
    [InlineData("190:20:30", ScalarKind.Int)]
    [InlineData("3.10", ScalarKind.Float)]
    [InlineData("3.1", ScalarKind.Float)]
    [InlineData("1.5", ScalarKind.Float)]
    [InlineData("1.", ScalarKind.Float)]
    [InlineData(".5", ScalarKind.Float)]
    [InlineData("-1.5", ScalarKind.Float)]
    [InlineData("1.0e+3", ScalarKind.Float)]
    [InlineData("1.0E-3", ScalarKind.Float)]
    [InlineData(".inf", ScalarKind.Float)]
    [InlineData("-.inf", ScalarKind.Float)]
    [InlineData("+.INF", ScalarKind.Float)]
    [InlineData(".nan", ScalarKind.Float)]
    [InlineData(".NaN", ScalarKind.Float)]
    [InlineData("1:30.5", ScalarKind.Float)]
    [InlineData("1e3", ScalarKind.String)]
    [InlineData("1E3", ScalarKind.String)]
    [InlineData("1.5e3", ScalarKind.String)]
    [InlineData("1.0e3", ScalarKind.String)]
    [InlineData("inf", ScalarKind.String)]
    [InlineData("nan", ScalarKind.String)]
    [InlineData("09", ScalarKind.String)]
    [InlineData("8080:60", ScalarKind.String)]
    [InlineData("22:8080", ScalarKind.String)]
    [InlineData("*:8080", ScalarKind.String)]
    [InlineData("A100", ScalarKind.String)]
    [InlineData("A100:80GB", ScalarKind.String)]
    [InlineData("task", ScalarKind.String)]
    [InlineData("16GB", ScalarKind.String)]
    [InlineData("1..4", ScalarKind.String)]
    [InlineData("2h", ScalarKind.String)]
    [InlineData("1.2.3", ScalarKind.String)]
    public void Classify_PlainScalar_ResolvesAsPyYamlSafeLoader(string text, ScalarKind expected)
    {
        Assert.Equal(expected, Yaml11.Classify(text));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("-42", -42L)]
    [InlineData("+7", 7L)]
    [InlineData("1_000", 1000L)]
    [InlineData("0x1F", 31L)]
    [InlineData("0b101", 5L)]
    [InlineData("017", 15L)]
    [InlineData("8080:22", 484822L)]
    [InlineData("1:30", 90L)]
    [InlineData("-1:30", -90L)]
    [InlineData("190:20:30", 685230L)]
    public void TryParseInt_Yaml11Integer_GivesItsValue(string text, long expected)
    {
        Assert.True(Yaml11.TryParseInt(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("99999999999999999999999")]
    [InlineData("0b102")]
    public void TryParseInt_NotAnInteger_IsFalse(string text)
    {
        Assert.False(Yaml11.TryParseInt(text, out _));
    }

    [Theory]
    [InlineData("3.10", 3.1)]
    [InlineData("1.5", 1.5)]
    [InlineData(".5", 0.5)]
    [InlineData("1.0e+3", 1000.0)]
    [InlineData("1_0.5", 10.5)]
    [InlineData("1:30.5", 90.5)]
    [InlineData("-1:30.5", -90.5)]
    public void TryParseFloat_Yaml11Float_GivesItsValue(string text, double expected)
    {
        Assert.True(Yaml11.TryParseFloat(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(".inf", double.PositiveInfinity)]
    [InlineData("+.Inf", double.PositiveInfinity)]
    [InlineData("-.INF", double.NegativeInfinity)]
    [InlineData(".nan", double.NaN)]
    public void TryParseFloat_SpecialValue_GivesInfinityOrNaN(string text, double expected)
    {
        Assert.True(Yaml11.TryParseFloat(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("8080:22", true)]
    [InlineData("1:30", true)]
    [InlineData("1:30.5", true)]
    [InlineData("80:8080", false)]
    [InlineData("*:8080", false)]
    [InlineData("8080", false)]
    [InlineData("a:b", false)]
    public void IsSexagesimal_PortLikeText_TellsWhetherYamlReadsANumber(string text, bool expected)
    {
        Assert.Equal(expected, Yaml11.IsSexagesimal(text));
    }

    [Theory]
    [InlineData("flag: yes", true)]
    [InlineData("flag: On", true)]
    [InlineData("flag: TRUE", true)]
    [InlineData("flag: no", false)]
    [InlineData("flag: off", false)]
    [InlineData("flag: False", false)]
    public void TryGetBool_Yaml11Boolean_GivesItsValue(string yaml, bool expected)
    {
        var scalar = ValueOf(yaml);

        Assert.Equal(ScalarKind.Bool, scalar.Kind);
        Assert.True(scalar.TryGetBool(out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("v: 'yes'", ScalarKind.String, "yes")]
    [InlineData("v: \"3.10\"", ScalarKind.String, "3.10")]
    [InlineData("v: '8080:22'", ScalarKind.String, "8080:22")]
    [InlineData("v: !!str 3.10", ScalarKind.String, "3.10")]
    [InlineData("v: !!str yes", ScalarKind.String, "yes")]
    [InlineData("v: !!int \"7\"", ScalarKind.Int, "7")]
    [InlineData("v: !!float \"2\"", ScalarKind.Float, "2")]
    [InlineData("v: !!null \"\"", ScalarKind.Null, "")]
    [InlineData("v: |\n  3.10\n", ScalarKind.String, "3.10\n")]
    [InlineData("v:", ScalarKind.Null, "")]
    [InlineData("v: ~", ScalarKind.Null, "~")]
    [InlineData("v: 3.10", ScalarKind.Float, "3.10")]
    [InlineData("v: 1e3", ScalarKind.String, "1e3")]
    [InlineData("v: 8080:22", ScalarKind.Int, "8080:22")]
    public void Kind_QuotedTaggedOrPlain_FollowsYaml11AndKeepsTheText(string yaml, ScalarKind kind, string text)
    {
        var scalar = ValueOf(yaml);

        Assert.Equal(kind, scalar.Kind);
        Assert.Equal(text, scalar.Value);
    }

    [Theory]
    [InlineData("v: 3.10", 3.1)]
    [InlineData("v: 16", 16.0)]
    [InlineData("v: 0x10", 16.0)]
    [InlineData("v: 1:30", 90.0)]
    public void TryGetDouble_NumberScalar_GivesYamlValue(string yaml, double expected)
    {
        Assert.True(ValueOf(yaml).TryGetDouble(out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("v: '16'")]
    [InlineData("v: 1e3")]
    [InlineData("v: yes")]
    public void TryGetDouble_NotANumberScalar_IsFalse(string yaml)
    {
        Assert.False(ValueOf(yaml).TryGetDouble(out _));
    }

    [Theory]
    [InlineData("v: yes", "the boolean yes")]
    [InlineData("v: 3.10", "the number 3.10")]
    [InlineData("v: abc", "the string \"abc\"")]
    [InlineData("v:", "null")]
    public void Describe_Scalar_NamesTheKindForMessages(string yaml, string expected)
    {
        Assert.Equal(expected, ValueOf(yaml).Describe());
    }

    private static YamlScalar ValueOf(string yaml)
    {
        var diagnostics = new DiagnosticBag("test.yml");
        var root = Assert.IsType<YamlMapping>(YamlTreeReader.Read(yaml, diagnostics));
        Assert.Empty(diagnostics.Items);
        return Assert.IsType<YamlScalar>(root.Entries[0].Value);
    }
}
