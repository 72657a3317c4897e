using System.Globalization;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Yaml;

/// <summary>
/// A YAML scalar: its text exactly as written (after YAML unescaping and folding) and its YAML 1.1 meaning.
/// Keeping the text lets <c>python: 3.10</c> stay "3.10" where PyYAML would see the float 3.1.
/// </summary>
public sealed class YamlScalar : YamlNode
{
    private const string StrTag = "tag:yaml.org,2002:str";
    private readonly string _source;
    private ScalarKind? _kind;

    public YamlScalar(SourceSpan span, string? tag, string value, bool isPlain, char quote, string source)
        : base(span, tag)
    {
        Value = value;
        IsPlain = isPlain;
        Quote = quote;
        _source = source;
    }

    /// <summary>The scalar's text.</summary>
    public string Value { get; }

    /// <summary>True for an unquoted, non-block scalar: the only kind YAML 1.1 resolves to bool, int, float or null.</summary>
    public bool IsPlain { get; }

    /// <summary>The quote character for a quoted scalar (' or "), '|' or '>' for a block scalar, '\0' for plain.</summary>
    public char Quote { get; }

    public ScalarKind Kind => _kind ??= Resolve();

    public bool IsNull => Kind == ScalarKind.Null;

    public override string Describe() => Kind switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Bool => $"the boolean {Value}",
        ScalarKind.Int or ScalarKind.Float => $"the number {Value}",
        _ => $"the string \"{Value}\"",
    };

    /// <summary>
    /// The span of <paramref name="length"/> characters at <paramref name="offset"/> inside the value, when the
    /// value is written on one line without escapes; otherwise the whole scalar.
    /// </summary>
    public SourceSpan SpanOf(int offset, int length) => TrySpanOf(offset, length, out var span) ? span : Span;

    /// <summary>
    /// The exact span of <paramref name="length"/> characters at <paramref name="offset"/> inside the value; false when
    /// the value is not written on one line without escapes, so the part cannot be placed in the source.
    /// </summary>
    public bool TrySpanOf(int offset, int length, out SourceSpan span)
    {
        span = Span;
        if (Span.StartLine != Span.EndLine || offset < 0 || length < 0 || offset + length > Value.Length)
        {
            return false;
        }

        var prefix = Quote switch
        {
            '\0' => 0,
            '\'' or '"' => 1,
            _ => -1,
        };
        var start = Span.Start + prefix;
        if (prefix < 0 || start + Value.Length > _source.Length ||
            string.CompareOrdinal(_source, start, Value, 0, Value.Length) != 0)
        {
            return false;
        }

        span = Span.Slice(prefix + offset, length);
        return true;
    }

    /// <summary>The integer YAML 1.1 reads from a plain scalar (decimal, 0x, 0b, 0-octal, base 60, underscores).</summary>
    public bool TryGetInt64(out long value)
    {
        value = 0;
        return Kind == ScalarKind.Int && Yaml11.TryParseInt(Value, out value);
    }

    /// <summary>The number YAML 1.1 reads from a plain int or float scalar.</summary>
    public bool TryGetDouble(out double value)
    {
        value = 0;
        if (Kind == ScalarKind.Int && Yaml11.TryParseInt(Value, out var i))
        {
            value = i;
            return true;
        }

        return Kind == ScalarKind.Float && Yaml11.TryParseFloat(Value, out value);
    }

    public bool TryGetBool(out bool value)
    {
        value = false;
        if (Kind != ScalarKind.Bool)
        {
            return false;
        }

        value = Value is "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON";
        return true;
    }

    private ScalarKind Resolve()
    {
        if (Tag is not null)
        {
            return Tag switch
            {
                "tag:yaml.org,2002:null" => ScalarKind.Null,
                "tag:yaml.org,2002:bool" => ScalarKind.Bool,
                "tag:yaml.org,2002:int" => ScalarKind.Int,
                "tag:yaml.org,2002:float" => ScalarKind.Float,
                StrTag or _ => ScalarKind.String,
            };
        }

        return IsPlain ? Yaml11.Classify(Value) : ScalarKind.String;
    }

    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
