using System.Text;

namespace Dstack.Runtime.Tests.Fuzz;

/// <summary>
/// Breaks YAML text the ways people and editors do: lines lost, repeated or swapped, stray characters,
/// wrong indentation, and values replaced by the tricky tokens that dstack's grammars and YAML 1.1 trip on.
/// Deterministic for a given <see cref="Random"/>.
/// </summary>
internal sealed class YamlMutator(Random random)
{
    private static readonly string[] StrayCharacters =
    [
        "\t", ":", "-", "'", "\"", "&", "*", "{", "}", "[", "]", ",", "#", "|", ">", "!", "%", "@", "`", "?", "\\",
        "\0", "\r", "\n", "\r\n", " ", "  ", "é", "日本", "\u00a0", "\u2028", "\u0085", "\ufeff", "\U0001F600", "\ud800", "\udc00",
        ": ", "- ", "${{", "}}", "..", "<<: ", "---\n", "...\n", "!!str ", "!!int ", "&a ", "*a",
    ];

    private static readonly string[] TrickyValues =
    [
        "80XB", "..", "1..2..3", "-1", ".inf", "-.inf", ".nan", "nan", "inf", "yes", "no", "on", "off", "true", "True", "~", "null",
        "8080:22", "*:8080", "8080:*", "0", "65536", "-80", "10500", "2147483648", "99999999999999999999", "1e400", "1.5", "-0",
        "0x1F", "0o17", "017", "1_000", "12:30:00", "2024-01-01", "\"\"", "''", "''''", "\"\\u0000\"", "\"\\x\"",
        "${{ run.args", "${{ env.X }}", "${{ run.args }}", "${{ secrets.TOKEN }}", "${{ }}", "${{ a.b.c }}", "$$", "$${{ env.X }}",
        "A100:80XB", "A100:80GB:2:3", "A100,,H100", "A100,", ":", "::", "A100::2", "tpu-v3-8", "nvidia:amd", "4090", "24..40",
        "24GB..40GB", "80GB..40GB", "1TB..512GB", "0..0", "3..1", "1...3", "GB", "16G", "16 GB", "1e3GB", "-1GB", "infGB",
        "{}", "[]", "{a: 1}", "[1, 2]", "{size: 10GB, x: 1}", "{min: 4, max: 2}", "{min: null, max: null}", "[A100, 2]",
        "*undefined", "&anchor value", "!!binary aGk=", "!custom x", "!!map {}", "|", ">-", "'unterminated", "\"unterminated",
        "a: b: c", "- - -", "? complex", "=", "A=B", "1A", "-", "/abs/path", "../outside", "user:group:x", "root",
        "vscode", "cursor", "task", "service", "dev-environment", "fleet", "rps", "chat", "bash", "docker",
        "no-capacity", "interruption", "3.9", "3.10", "3.13", "2.7", "5m", "1h", "90", "1d2h", "30x", "-5m",
    ];

    /// <summary>A copy of <paramref name="text"/> with one to four mutations applied.</summary>
    public string Mutate(string text, IReadOnlyList<string> otherDocuments)
    {
        var lines = text.Split('\n').ToList();
        var count = random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            MutateOnce(lines, otherDocuments);
        }

        return string.Join('\n', lines);
    }

    private void MutateOnce(List<string> lines, IReadOnlyList<string> otherDocuments)
    {
        if (lines.Count == 0)
        {
            lines.Add(Pick(TrickyValues));
            return;
        }

        var at = random.Next(lines.Count);
        switch (random.Next(12))
        {
            case 0:
                lines.RemoveAt(at);
                break;
            case 1:
                lines.Insert(at, lines[at]);
                break;
            case 2:
                (lines[at], lines[random.Next(lines.Count)]) = (lines[random.Next(lines.Count)], lines[at]);
                break;
            case 3:
            case 4:
                lines[at] = InsertAt(lines[at], Pick(StrayCharacters));
                break;
            case 5:
                lines[at] = Reindent(lines[at]);
                break;
            case 6:
            case 7:
            case 8:
                lines[at] = ReplaceValue(lines[at], TrickyValue());
                break;
            case 9:
                var other = Pick(otherDocuments).Split('\n');
                lines.Insert(at, other[random.Next(other.Length)]);
                break;
            case 10:
                lines[at] = ReplaceValue(lines[at], DeepNesting());
                break;
            default:
                lines.RemoveRange(at, lines.Count - at);
                break;
        }
    }

    private string TrickyValue() => random.Next(20) switch
    {
        0 => new string('a', random.Next(1_000, 20_000)),
        1 => string.Concat(Enumerable.Repeat("A100,", random.Next(100, 2_000))) + "H100:2",
        2 => "\"" + string.Concat(Enumerable.Repeat("${{ env.X }}", random.Next(10, 500))) + "\"",
        _ => Pick(TrickyValues),
    };

    private string DeepNesting()
    {
        var depth = random.Next(10, 300);
        return random.Next(3) switch
        {
            0 => new string('[', depth) + "1" + new string(']', depth),
            1 => string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth),
            _ => "\n" + string.Concat(Enumerable.Range(1, depth).Select(d => new string(' ', d * 2) + "k:\n")) + new string(' ', (depth + 1) * 2) + "v",
        };
    }

    private string InsertAt(string line, string insert)
    {
        var position = random.Next(line.Length + 1);
        return line[..position] + insert + line[position..];
    }

    private string Reindent(string line)
    {
        var body = line.TrimStart(' ');
        var indent = line.Length - body.Length;
        return random.Next(4) switch
        {
            0 => new string(' ', indent + random.Next(1, 4)) + body,
            1 => new string(' ', Math.Max(0, indent - random.Next(1, 4))) + body,
            2 => "\t" + line,
            _ => body,
        };
    }

    private static string ReplaceValue(string line, string value)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon >= 0)
        {
            return line[..(colon + 2)] + value;
        }

        var dash = line.IndexOf("- ", StringComparison.Ordinal);
        if (dash >= 0)
        {
            return line[..(dash + 2)] + value;
        }

        return line.EndsWith(':') ? line + " " + value : new StringBuilder(line).Append(value).ToString();
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
