namespace Dstack.LanguageServer.Completion;

/// <summary>
/// A GPU spec string read up to the cursor, token by token (<c>nvidia:A100,H100:80GB:2</c>): which kinds of token are
/// already written, the names listed, and where the token being typed starts and ends on the line.
/// Tokens are classified as dstack does: a vendor word, names (letter first), a memory size (with a unit), a count.
/// </summary>
/// <param name="Vendor">The vendor written, lower case (<c>tpu</c> read as <c>google</c>), or null.</param>
/// <param name="Names">The GPU names written, including those before the cursor in the token being typed.</param>
/// <param name="HasMemory">A memory token is written.</param>
/// <param name="HasCount">A count token is written.</param>
/// <param name="InNames">The token being typed follows a comma: it continues a list of names.</param>
/// <param name="Start">The character where the token being typed starts.</param>
/// <param name="End">The character where it ends.</param>
/// <param name="Typed">What is typed of it.</param>
public sealed record GpuSpecTokens(string? Vendor, IReadOnlyList<string> Names, bool HasMemory, bool HasCount, bool InNames, int Start, int End, string Typed)
{
    public static readonly string[] VendorWords = ["nvidia", "amd", "google", "tpu", "intel"];

    /// <summary>Reads the value that starts at <paramref name="valueStart"/> on <paramref name="line"/>, with the cursor at <paramref name="cursor"/>.</summary>
    public static GpuSpecTokens Read(string line, int valueStart, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, line.Length);
        valueStart = Math.Clamp(valueStart, 0, cursor);
        if (valueStart < cursor && line[valueStart] is '"' or '\'')
        {
            valueStart++;
        }

        var before = line[valueStart..cursor];
        var separator = before.LastIndexOfAny([':', ',']);
        var start = valueStart + separator + 1;
        var end = cursor;
        while (end < line.Length && line[end] is not (':' or ',' or ' ' or '"' or '\'' or '}' or ']' or '#'))
        {
            end++;
        }

        string? vendor = null;
        var names = new List<string>();
        bool memory = false, count = false;
        foreach (var token in before[..Math.Max(0, separator)].Split(':'))
        {
            var text = token.Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (Array.IndexOf(VendorWords, text.ToLowerInvariant()) >= 0)
            {
                vendor = text.Equals("tpu", StringComparison.OrdinalIgnoreCase) ? "google" : text.ToLowerInvariant();
            }
            else if (char.IsLetter(text[0]))
            {
                names.AddRange(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
            else if (IsMemory(text))
            {
                memory = true;
            }
            else
            {
                count = true;
            }
        }

        var inNames = separator >= 0 && before[separator] == ',';
        return new GpuSpecTokens(vendor, names, memory, count, inNames, start, Math.Max(end, cursor), line[start..cursor]);
    }

    private static bool IsMemory(string token) =>
        token.Contains("gb", StringComparison.OrdinalIgnoreCase) || token.Contains("mb", StringComparison.OrdinalIgnoreCase) ||
        token.Contains("tb", StringComparison.OrdinalIgnoreCase);
}
