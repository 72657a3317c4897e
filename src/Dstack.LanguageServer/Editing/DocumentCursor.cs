using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Configuration;

namespace Dstack.LanguageServer.Editing;

/// <summary>The cursor in an open document, and what the model expects there.</summary>
/// <param name="Context">Where the cursor is, read from the text.</param>
/// <param name="Slot">What the model expects at <see cref="CursorContext.Path"/>; null where the path leaves the model.</param>
/// <param name="Kind">The kind of file.</param>
/// <param name="RunType">The top-level <c>type:</c> as written, or null.</param>
public sealed record DocumentCursor(CursorContext Context, ModelSlot? Slot, ConfigurationKind Kind, string? RunType)
{
    public static DocumentCursor At(DocumentSnapshot document, Position position)
    {
        var lines = DocumentLines.Of(document);
        var context = YamlCursor.At(lines, position.Line, position.Character);
        var runType = TopLevelValue(lines, "type");
        var kind = KindOf(document);
        return new DocumentCursor(context, ModelPath.Resolve(kind, runType, context.Path), kind, runType);
    }

    /// <summary>The file's kind from its path, else from its top-level keys, read from the text so a broken file still has one.</summary>
    public static ConfigurationKind KindOf(DocumentSnapshot document)
    {
        var byPath = ConfigurationLoader.KindOf(document.Path, null);
        var lines = DocumentLines.Of(document);
        if (byPath != ConfigurationKind.Run || TopLevelValue(lines, "type") is not null)
        {
            return byPath;
        }

        // The same order as the loader's ConfigurationLoader.KindOf: profiles wins over workflows.
        var keys = TopLevelKeys(lines).ToHashSet(StringComparer.Ordinal);
        return keys.Contains("profiles") ? ConfigurationKind.Profiles
            : keys.Contains("workflows") ? ConfigurationKind.Workflows
            : ConfigurationKind.Run;
    }

    /// <summary>The value written after a top-level <paramref name="key"/>, unquoted; null when the key is absent or has no value on its line.</summary>
    public static string? TopLevelValue(string text, string key) => TopLevelValue(YamlCursor.SplitLines(text), key);

    /// <inheritdoc cref="TopLevelValue(string, string)"/>
    public static string? TopLevelValue(string[] lines, string key)
    {
        foreach (var raw in lines)
        {
            // Only lines that start with the key are parsed: most lines of a long file are indented or are other keys.
            if ((raw.StartsWith(key, StringComparison.Ordinal) || raw.StartsWith('"') || raw.StartsWith('\'')) && YamlLine.Parse(raw) is { Key: { } found, Dashes.Count: 0 } line && found == key)
            {
                var value = line.Value.Trim().Trim('"', '\'');
                return value.Length == 0 ? null : value;
            }
        }

        return null;
    }

    private static IEnumerable<string> TopLevelKeys(string[] lines) =>
        lines
            .Where(l => l.Length > 0 && l[0] != ' ')
            .Select(YamlLine.Parse)
            .Where(l => l.Dashes.Count == 0 && l.Key is not null)
            .Select(l => l.Key!);
}
