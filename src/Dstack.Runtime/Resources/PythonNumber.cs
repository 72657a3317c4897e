using System.Globalization;

namespace Dstack.Runtime.Resources;

/// <summary>The number conversions dstack inherits from Python, so the same strings are accepted and printed.</summary>
public static class PythonNumber
{
    /// <summary>Python's <c>float(s)</c>: decimal, exponent, <c>inf</c>, <c>nan</c>, underscores between digits.</summary>
    public static bool TryParseFloat(string s, out double value)
    {
        value = 0;
        var t = s.Trim();
        if (t.Length == 0 || t.StartsWith('_') || t.EndsWith('_') || t.Contains("__", StringComparison.Ordinal))
        {
            return false;
        }

        var body = t.TrimStart('+', '-');
        var negative = t.StartsWith('-');
        if (t.Length - body.Length > 1)
        {
            return false;
        }

        switch (body.ToLowerInvariant())
        {
            case "inf" or "infinity":
                value = negative ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            case "nan":
                value = double.NaN;
                return true;
        }

        foreach (var c in body)
        {
            if (!(char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-' or '_'))
            {
                return false;
            }
        }

        return double.TryParse(t.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Python's <c>int(s)</c> on a string: optional sign, decimal digits, surrounding whitespace.</summary>
    public static bool TryParseInt(string s, out int value)
    {
        var t = s.Trim().Replace("_", string.Empty, StringComparison.Ordinal);
        return int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && t.Length > 0 && !s.Trim().StartsWith('_');
    }

    /// <summary>Python's <c>f"{x:g}"</c>: six significant digits, no trailing zeros.</summary>
    public static string FormatG(double x)
    {
        if (double.IsPositiveInfinity(x))
        {
            return "inf";
        }

        if (double.IsNegativeInfinity(x))
        {
            return "-inf";
        }

        if (double.IsNaN(x))
        {
            return "nan";
        }

        // .NET's G6 switches to exponent form at the same points as Python's g (exponent < -4 or >= 6).
        return x.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
    }

    /// <summary>
    /// Python's <c>str(x)</c> of a float: the shortest text that reads back as the same number, with <c>.0</c> on whole
    /// numbers, and exponent form below 1e-4 and from 1e16 (<c>3.1</c>, <c>7.0</c>, <c>1e+16</c>, <c>1e-05</c>).
    /// </summary>
    public static string FloatRepr(double x)
    {
        if (double.IsNaN(x) || double.IsInfinity(x))
        {
            return FormatG(x);
        }

        if (x == 0)
        {
            return double.IsNegative(x) ? "-0.0" : "0.0";
        }

        // "E16" (17 significant digits, every digit a double has) gives the exponent; "R" the shortest round-trip digits.
        var shortest = Math.Abs(x).ToString("E16", CultureInfo.InvariantCulture);
        var roundTrip = Math.Abs(x).ToString("R", CultureInfo.InvariantCulture);
        var exponent = int.Parse(shortest[(shortest.IndexOf('E', StringComparison.Ordinal) + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = roundTrip.Split('E')[0].Replace(".", string.Empty, StringComparison.Ordinal).TrimStart('0');
        var digits = mantissa.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        var sign = x < 0 ? "-" : string.Empty;
        if (exponent is < -4 or >= 16)
        {
            var fraction = digits.Length > 1 ? "." + digits[1..] : string.Empty;
            return $"{sign}{digits[0]}{fraction}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }

        if (exponent < 0)
        {
            return $"{sign}0.{new string('0', -exponent - 1)}{digits}";
        }

        var whole = digits.Length > exponent + 1 ? digits[..(exponent + 1)] : digits.PadRight(exponent + 1, '0');
        var rest = digits.Length > exponent + 1 ? digits[(exponent + 1)..] : "0";
        return $"{sign}{whole}.{rest}";
    }

    /// <summary>The whole numbers nearest a fractional count, for the fix in a message: "1 or 2".</summary>
    public static string WholeNumberChoices(double x)
    {
        if (double.IsNaN(x) || double.IsInfinity(x) || x < 0)
        {
            return "a whole number";
        }

        var low = Math.Floor(x).ToString(CultureInfo.InvariantCulture);
        var high = Math.Ceiling(x).ToString(CultureInfo.InvariantCulture);
        return low == high ? low : $"{low} or {high}";
    }
}
