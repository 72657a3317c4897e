using System.Globalization;
using System.Runtime.CompilerServices;

namespace Dstack.Runtime.Services;

/// <summary>What Jinja does with values: truth, printing, item access, operators and the supported filters.</summary>
internal static class ChatValues
{
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long l => l != 0,
        double d => d != 0,
        IReadOnlyList<object?> list => list.Count > 0,
        IReadOnlyDictionary<string, object?> map => map.Count > 0,
        _ => value != ChatTemplateRenderer.Undefined,
    };

    public static string Print(object? value) => value switch
    {
        null => "None",
        string s => s,
        bool b => b ? "True" : "False",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IReadOnlyList<object?> list => "[" + string.Join(", ", list.Select(Repr)) + "]",
        IReadOnlyDictionary<string, object?> map => "{" + string.Join(", ", map.Select(p => $"'{p.Key}': {Repr(p.Value)}")) + "}",
        _ => string.Empty,
    };

    public static string Describe(object? value) => value switch
    {
        null => "none",
        string s => $"the string '{(s.Length > 30 ? s[..30] + "..." : s)}'",
        bool or long or double => $"the number {Print(value)}",
        IReadOnlyList<object?> => "a list",
        IReadOnlyDictionary<string, object?> => "a mapping",
        _ => "an undefined value",
    };

    /// <summary><c>x.name</c> and <c>x[key]</c>: a mapping's key, a list's or string's index (negative from the end).</summary>
    public static object? Item(object? target, object? key) => (target, key) switch
    {
        (IReadOnlyDictionary<string, object?> map, string name) => map.TryGetValue(name, out var v) ? v : ChatTemplateRenderer.Undefined,
        (IReadOnlyList<object?> list, long i) => Index(i, list.Count) is { } at ? list[at] : ChatTemplateRenderer.Undefined,
        (string s, long i) => Index(i, s.Length) is { } at ? s[at].ToString() : ChatTemplateRenderer.Undefined,
        _ => ChatTemplateRenderer.Undefined,
    };

    public static object? Slice(object? target, object? start, object? stop)
    {
        int Bound(object? value, int count, int otherwise) => value is long l ? (int)Math.Clamp(l < 0 ? count + l : l, 0, count) : otherwise;
        switch (target)
        {
            case IReadOnlyList<object?> list:
                var (a, b) = (Bound(start, list.Count, 0), Bound(stop, list.Count, list.Count));
                return b > a ? list.Skip(a).Take(b - a).ToList() : new List<object?>();
            case string s:
                var (from, to) = (Bound(start, s.Length, 0), Bound(stop, s.Length, s.Length));
                return to > from ? s[from..to] : string.Empty;
            default:
                return null;
        }
    }

    /// <summary>A binary operator's value; null when it does not apply to these operands.</summary>
    public static StrongBox<object?>? Binary(string op, object? left, object? right)
    {
        object? value = op switch
        {
            "==" => EqualValues(left, right),
            "!=" => !EqualValues(left, right),
            "~" => Print(left == ChatTemplateRenderer.Undefined ? string.Empty : left) + Print(right == ChatTemplateRenderer.Undefined ? string.Empty : right),
            "in" => right switch
            {
                string s when left is string part => s.Contains(part, StringComparison.Ordinal),
                IReadOnlyList<object?> list => list.Any(item => EqualValues(item, left)),
                IReadOnlyDictionary<string, object?> map when left is string key => map.ContainsKey(key),
                _ => Fail,
            },
            "+" when left is string a && right is string b => a + b,
            "+" when left is IReadOnlyList<object?> a && right is IReadOnlyList<object?> b => a.Concat(b).ToList(),
            _ => Arithmetic(op, left, right),
        };
        return value == Fail ? null : new StrongBox<object?>(value);
    }

    /// <summary>A filter's value; null when it does not apply to this value.</summary>
    public static StrongBox<object?>? Filter(string name, object? value)
    {
        object? result = (name, value) switch
        {
            ("trim", string s) => s.Trim(),
            ("upper", string s) => s.ToUpperInvariant(),
            ("lower", string s) => s.ToLowerInvariant(),
            ("length", string s) => (long)s.Length,
            ("length", IReadOnlyList<object?> list) => (long)list.Count,
            ("length", IReadOnlyDictionary<string, object?> map) => (long)map.Count,
            _ => Fail,
        };
        return result == Fail ? null : new StrongBox<object?>(result);
    }

    private static readonly object Fail = new();

    private static object Arithmetic(string op, object? left, object? right)
    {
        if (left is long a && right is long b)
        {
            return op switch
            {
                "+" => a + b,
                "-" => a - b,
                "*" => a * b,
                "/" => b == 0 ? Fail : (double)a / b,
                "%" => b == 0 ? Fail : ((a % b) + b) % b,
                "<" => a < b,
                ">" => a > b,
                "<=" => a <= b,
                ">=" => a >= b,
                _ => Fail,
            };
        }

        if (Number(left) is { } x && Number(right) is { } y)
        {
            return op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => y == 0 ? Fail : x / y,
                "<" => x < y,
                ">" => x > y,
                "<=" => x <= y,
                ">=" => x >= y,
                _ => Fail,
            };
        }

        if (left is string s && right is string t && op is "<" or ">" or "<=" or ">=")
        {
            var c = string.CompareOrdinal(s, t);
            return op switch { "<" => c < 0, ">" => c > 0, "<=" => c <= 0, _ => c >= 0 };
        }

        return op == "*" && left is string text && right is long times && times >= 0 ? string.Concat(Enumerable.Repeat(text, (int)Math.Min(times, 100_000))) : Fail;
    }

    private static double? Number(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => null,
    };

    private static bool EqualValues(object? left, object? right) => (left, right) switch
    {
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (bool a, bool b) => a == b,
        (null, null) => true,
        _ when Number(left) is { } x && Number(right) is { } y && left is not string && right is not string => x == y,
        _ => ReferenceEquals(left, right),
    };

    private static int? Index(long i, int count)
    {
        var at = i < 0 ? count + i : i;
        return at >= 0 && at < count ? (int)at : null;
    }

    private static string Repr(object? value) => value is string s ? $"'{s}'" : Print(value);
}
