using System.Text;
using System.Text.Json;
using Dstack.LanguageServer.Tests.Editing;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>
/// Completion over the in-memory client: opens a document written with '‸' at the cursor, asks for completion there,
/// and applies an item the way an editor does (its text edit, its snippet expanded to the placeholders' defaults, new
/// lines indented like the line the edit starts on when the item asks for it).
/// </summary>
public static class Completions
{
    private static int _documents;

    /// <summary>The completion list at the '‸' of <paramref name="marked"/>, in a file named <paramref name="fileName"/>.</summary>
    public static async Task<CompletionResult> AtAsync(TestClient client, string marked, string fileName = "train.dstack.yml", string? trigger = null)
    {
        var (text, line, character) = YamlCursorTests.Cursor(marked);
        var number = Interlocked.Increment(ref _documents);
        var uri = $"file:///work/project/{number}/{fileName}";
        await client.NotifyAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "yaml", version = 1, text } });
        object parameters = trigger is null
            ? new { textDocument = new { uri }, position = new { line, character } }
            : new { textDocument = new { uri }, position = new { line, character }, context = new { triggerKind = 2, triggerCharacter = trigger } };
        var result = await client.ResultAsync("textDocument/completion", parameters);
        return new CompletionResult(text, result, line, character);
    }

    /// <summary>
    /// The range <paramref name="item"/> replaces and the text it puts there, as an editor reads them: its
    /// <c>textEdit</c>; else the list's <c>itemDefaults.editRange</c> with its <c>textEditText</c> or label; else its
    /// <c>insertText</c> or label at the cursor.
    /// </summary>
    public static (JsonElement? Start, JsonElement? End, string NewText) Edit(CompletionResult result, JsonElement item)
    {
        var label = item.GetProperty("label").GetString()!;
        if (item.TryGetProperty("textEdit", out var edit))
        {
            var range = edit.GetProperty("range");
            return (range.GetProperty("start"), range.GetProperty("end"), edit.GetProperty("newText").GetString()!);
        }

        if (result.List.TryGetProperty("itemDefaults", out var defaults) && defaults.TryGetProperty("editRange", out var shared))
        {
            return (shared.GetProperty("start"), shared.GetProperty("end"), item.TryGetProperty("textEditText", out var text) ? text.GetString()! : label);
        }

        return (null, null, item.TryGetProperty("insertText", out var insert) ? insert.GetString()! : label);
    }

    /// <summary>The text after accepting <paramref name="item"/> of <paramref name="result"/>.</summary>
    public static string Apply(CompletionResult result, JsonElement item)
    {
        var text = result.Text;
        var (startAt, endAt, newText) = Edit(result, item);
        if (item.TryGetProperty("insertTextFormat", out var format) && format.GetInt32() == 2)
        {
            newText = ExpandSnippet(newText);
        }

        var lines = text.Split('\n');
        var startLine = startAt?.GetProperty("line").GetInt32() ?? result.Line;
        if (item.TryGetProperty("insertTextMode", out var mode) && mode.GetInt32() == 2)
        {
            var indent = new string(' ', lines[startLine].Length - lines[startLine].TrimStart(' ').Length);
            newText = newText.Replace("\n", "\n" + indent, StringComparison.Ordinal);
        }

        var start = startAt is { } s ? Offset(lines, s) : Offset(lines, result.Line, result.Character);
        var end = endAt is { } e ? Offset(lines, e) : start;
        return text[..start] + newText + text[end..];
    }

    /// <summary>A snippet as inserted with every placeholder left at its default: <c>${1:x}</c> → x, <c>${1|a,b|}</c> → a, <c>$1</c> → nothing.</summary>
    public static string ExpandSnippet(string snippet)
    {
        var output = new StringBuilder();
        var i = 0;
        Expand(snippet, ref i, output, inPlaceholder: false);
        return output.ToString();
    }

    private static void Expand(string s, ref int i, StringBuilder output, bool inPlaceholder)
    {
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '\\' && i + 1 < s.Length && s[i + 1] is '$' or '}' or '\\')
            {
                output.Append(s[i + 1]);
                i += 2;
            }
            else if (c == '}' && inPlaceholder)
            {
                i++;
                return;
            }
            else if (c == '$' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]))
            {
                i++;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }
            }
            else if (c == '$' && i + 2 < s.Length && s[i + 1] == '{' && char.IsAsciiDigit(s[i + 2]))
            {
                i += 2;
                while (char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                if (s[i] == ':')
                {
                    i++;
                    Expand(s, ref i, output, inPlaceholder: true);
                }
                else if (s[i] == '|')
                {
                    var close = s.IndexOf("|}", i, StringComparison.Ordinal);
                    output.Append(s[(i + 1)..close].Split(',')[0]);
                    i = close + 2;
                }
                else
                {
                    i++;
                }
            }
            else
            {
                output.Append(c);
                i++;
            }
        }

        Assert.False(inPlaceholder, $"unclosed placeholder in {s}");
    }

    private static int Offset(string[] lines, JsonElement position) =>
        Offset(lines, position.GetProperty("line").GetInt32(), position.GetProperty("character").GetInt32());

    private static int Offset(string[] lines, int line, int character)
    {
        Assert.InRange(character, 0, lines[line].Length);
        return lines.Take(line).Sum(l => l.Length + 1) + character;
    }
}
