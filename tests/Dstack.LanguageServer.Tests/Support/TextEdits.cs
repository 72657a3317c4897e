using System.Text.Json;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>Applies LSP <c>TextEdit</c>s to a text as a client does: positions are 0-based lines (split at \n) and UTF-16 characters.</summary>
public static class TextEdits
{
    /// <summary>The text after the edits of <paramref name="uri"/> in a code action's <c>edit.changes</c>.</summary>
    public static string ApplyAction(string text, JsonElement action, string uri)
    {
        var changes = action.GetProperty("edit").GetProperty("changes");
        Assert.Equal([uri], changes.EnumerateObject().Select(p => p.Name));
        return Apply(text, changes.GetProperty(uri));
    }

    /// <summary>The text after <paramref name="edits"/>, which must not overlap (LSP's rule); applied last first so offsets stay right.</summary>
    public static string Apply(string text, JsonElement edits)
    {
        var ranges = edits.EnumerateArray()
            .Select(e => (Start: Offset(text, e.GetProperty("range").GetProperty("start")), End: Offset(text, e.GetProperty("range").GetProperty("end")), NewText: e.GetProperty("newText").GetString()!))
            .OrderByDescending(e => e.Start)
            .ToList();
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.True(ranges[i].End <= ranges[i - 1].Start, "text edits overlap");
        }

        foreach (var (start, end, newText) in ranges)
        {
            Assert.True(start <= end, $"a reversed range {start}..{end}");
            text = text[..start] + newText + text[end..];
        }

        return text;
    }

    private static int Offset(string text, JsonElement position)
    {
        var line = position.GetProperty("line").GetInt32();
        var character = position.GetProperty("character").GetInt32();
        var offset = 0;
        for (var i = 0; i < line; i++)
        {
            var next = text.IndexOf('\n', offset);
            Assert.True(next >= 0, $"line {line} is past the end of the text");
            offset = next + 1;
        }

        var lineEnd = text.IndexOf('\n', offset);
        Assert.True(offset + character <= (lineEnd < 0 ? text.Length : lineEnd), $"character {character} is past the end of line {line}");
        return offset + character;
    }
}
