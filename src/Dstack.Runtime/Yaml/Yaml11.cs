using System.Globalization;
using System.Text.RegularExpressions;

namespace Dstack.Runtime.Yaml;

/// <summary>
/// YAML 1.1 implicit typing of plain scalars, as PyYAML's SafeLoader resolves them: <c>yes/no/on/off</c> are
/// booleans, <c>8080:22</c> is a base-60 integer, <c>1e3</c> (no dot) is a string, <c>3.10</c> is the float 3.1.
/// </summary>
public static partial class Yaml11
{
    public static ScalarKind Classify(string text)
    {
        if (text.Length == 0 || text is "~" or "null" or "Null" or "NULL")
        {
            return ScalarKind.Null;
        }

        var c = text[0];
        if (char.IsAsciiLetter(c) && c is not ('y' or 'Y' or 'n' or 'N' or 't' or 'T' or 'f' or 'F' or 'o' or 'O'))
        {
            return ScalarKind.String;
        }

        if (BoolPattern().IsMatch(text))
        {
            return ScalarKind.Bool;
        }

        if (IntPattern().IsMatch(text))
        {
            return ScalarKind.Int;
        }

        return FloatPattern().IsMatch(text) ? ScalarKind.Float : ScalarKind.String;
    }

    /// <summary>True when a plain scalar would be read as a base-60 number, like <c>8080:22</c> or <c>1:30</c>.</summary>
    public static bool IsSexagesimal(string text) => text.Contains(':', StringComparison.Ordinal) && Classify(text) is ScalarKind.Int or ScalarKind.Float;

    public static bool TryParseInt(string text, out long value)
    {
        value = 0;
        var s = text.Replace("_", string.Empty, StringComparison.Ordinal);
        var sign = 1L;
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            sign = s[0] == '-' ? -1 : 1;
            s = s[1..];
        }

        try
        {
            if (s.StartsWith("0b", StringComparison.Ordinal))
            {
                value = sign * Convert.ToInt64(s[2..], 2);
            }
            else if (s.StartsWith("0x", StringComparison.Ordinal))
            {
                value = sign * Convert.ToInt64(s[2..], 16);
            }
            else if (s.Contains(':', StringComparison.Ordinal))
            {
                long total = 0;
                foreach (var part in s.Split(':'))
                {
                    total = checked((total * 60) + long.Parse(part, CultureInfo.InvariantCulture));
                }

                value = sign * total;
            }
            else if (s.Length > 1 && s[0] == '0')
            {
                value = sign * Convert.ToInt64(s, 8);
            }
            else
            {
                value = sign * long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
            }

            return true;
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return false;
        }
    }

    public static bool TryParseFloat(string text, out double value)
    {
        var s = text.Replace("_", string.Empty, StringComparison.Ordinal);
        switch (s)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
                value = double.PositiveInfinity;
                return true;
            case "-.inf" or "-.Inf" or "-.INF":
                value = double.NegativeInfinity;
                return true;
            case ".nan" or ".NaN" or ".NAN":
                value = double.NaN;
                return true;
        }

        if (s.Contains(':', StringComparison.Ordinal))
        {
            var sign = s.StartsWith('-') ? -1 : 1;
            var parts = s.TrimStart('-', '+').Split(':');
            double total = 0;
            foreach (var part in parts)
            {
                total = (total * 60) + double.Parse(part, CultureInfo.InvariantCulture);
            }

            value = sign * total;
            return true;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    [GeneratedRegex("^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$", RegexOptions.CultureInvariant)]
    private static partial Regex BoolPattern();

    [GeneratedRegex("^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
