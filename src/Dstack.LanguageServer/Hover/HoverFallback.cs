using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Editing;
using Dstack.LanguageServer.Protocol;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.LanguageServer.Hover;

/// <summary>
/// The hover subject of a file that does not parse, read from the text around the cursor with <see cref="YamlCursor"/>:
/// the key under the cursor, or the one-line value after it, read as a plain or quoted scalar.
/// </summary>
public static class HoverFallback
{
    public static HoverSubject? FromText(DocumentSnapshot document, Position position)
    {
        var lines = YamlCursor.SplitLines(document.Text);
        if (position.Line < 0 || position.Line >= lines.Length)
        {
            return null;
        }

        var line = lines[position.Line];
        var parsed = YamlLine.Parse(line);
        if (parsed.IsEmpty || position.Character < parsed.ContentColumn || position.Character > parsed.ContentEnd)
        {
            return null;
        }

        var cursor = DocumentCursor.At(document, position);
        var context = cursor.Context;
        if (context.ReplaceStart > position.Character || context.ReplaceEnd < position.Character || context.ReplaceEnd <= context.ReplaceStart)
        {
            return null;
        }

        var written = line[context.ReplaceStart..context.ReplaceEnd].Trim();
        var lineStart = new LineMap(document.Text).OffsetOf(new Position(position.Line, 0));
        var span = new SourceSpan(position.Line + 1, context.ReplaceStart + 1, position.Line + 1, context.ReplaceEnd + 1, lineStart + context.ReplaceStart, lineStart + context.ReplaceEnd);
        var offset = lineStart + position.Character;
        if (context.Place == CursorPlace.Key)
        {
            var key = written.Trim('"', '\'');
            var path = context.Path.Append(PathSegment.Of(key)).ToList();
            return DocumentHover.Property(cursor.Kind, cursor.RunType, path, path.Count - 1) is { } property
                ? new HoverSubject(property.Property, property.Owner, DocumentHover.DottedPath(path, path.Count - 1), null, false, span, offset, null)
                : null;
        }

        var keyIndex = LastKeyIndex(context.Path);
        if (DocumentHover.Property(cursor.Kind, cursor.RunType, context.Path, keyIndex) is not { } found)
        {
            return null;
        }

        var items = context.Path.Count - 1 - keyIndex;
        var value = items > 1 ? null : Scalar(written, span, document.Text);
        return new HoverSubject(found.Property, found.Owner, DocumentHover.DottedPath(context.Path, keyIndex), value, items == 1, span, offset, null);
    }

    private static int LastKeyIndex(IReadOnlyList<PathSegment> path)
    {
        for (var i = path.Count - 1; i >= 0; i--)
        {
            if (!path[i].IsItem)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The value as a scalar: quoted text without its quotes (no escapes are read), else plain.</summary>
    private static YamlScalar Scalar(string written, SourceSpan span, string text)
    {
        if (written.Length >= 2 && written[0] is '"' or '\'' && written[^1] == written[0])
        {
            return new YamlScalar(span, null, written[1..^1], isPlain: false, written[0], text);
        }

        return new YamlScalar(span, null, written, isPlain: true, '\0', text);
    }
}
