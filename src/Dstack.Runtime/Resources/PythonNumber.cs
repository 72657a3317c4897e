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
