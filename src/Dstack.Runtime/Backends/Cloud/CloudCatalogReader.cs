using System.Globalization;

namespace Dstack.Runtime.Backends.Cloud;

/// <summary>
/// Reads a cloud's dated catalog file: <c>#</c> comment lines (among them <c># date: YYYY-MM-DD</c> and
/// <c># source:</c>, which continues on comment lines indented by two spaces), the header, then one row a line, each
/// turned into the cloud's row by its own reader. The file's shape, its dates and its fields' errors are the same for
/// every cloud; what a row means is the cloud's.
/// </summary>
public static class CloudCatalogReader
{
    /// <summary>Reads the catalog shipped with the tool: <c>Catalog/FILE</c> beside <paramref name="owner"/>, embedded in its assembly.</summary>
    /// <exception cref="InvalidOperationException">The build did not embed the file.</exception>
    /// <exception cref="FormatException">The file is not well formed; the message names the file and the line.</exception>
    public static CloudCatalog<TRow> ReadShipped<TRow>(Type owner, string file, string header, Func<CloudCatalogLine, TRow> readRow)
        where TRow : CloudCatalogRow
    {
        var resource = $"{owner.Namespace}.Catalog.{file}";
        using var stream = owner.Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the build did not embed {resource}");
        using var reader = new StreamReader(stream);
        return Read(reader.ReadToEnd(), header, readRow, file);
    }

    /// <summary>Reads a catalog's text.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="header">The columns the header line must list, in order.</param>
    /// <param name="readRow">Turns a row into the cloud's row; its failures come from <see cref="CloudCatalogLine.Fail"/>.</param>
    /// <param name="file">The file's name, for errors (<c>FILE:LINE: ...</c>); null for <c>line LINE: ...</c>.</param>
    /// <exception cref="FormatException">A row is malformed, the header is not <paramref name="header"/>, or the date or source is missing.</exception>
    public static CloudCatalog<TRow> Read<TRow>(string text, string header, Func<CloudCatalogLine, TRow> readRow, string? file = null)
        where TRow : CloudCatalogRow
    {
        var rows = new List<TRow>(256);
        var line = new CloudCatalogLine(header, file);
        DateOnly? date = null;
        string? source = null;
        var inSource = false;
        var headerSeen = false;
        var lineNumber = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var trimmed = raw.TrimEnd();
            if (trimmed.IsEmpty)
            {
                continue;
            }

            if (trimmed[0] == '#')
            {
                var comment = trimmed[1..].Trim();
                if (comment.StartsWith("date:", StringComparison.Ordinal))
                {
                    date = DateOnly.TryParseExact(comment["date:".Length..].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                        ? day
                        : throw new FormatException($"{CloudCatalogLine.Where(file, lineNumber)}: the date must be YYYY-MM-DD");
                }

                if (comment.StartsWith("source:", StringComparison.Ordinal))
                {
                    source = comment["source:".Length..].Trim().ToString();
                    inSource = true;
                }
                else if (inSource && trimmed.StartsWith("#  ", StringComparison.Ordinal))
                {
                    source += " " + comment.ToString();
                }
                else
                {
                    inSource = false;
                }

                continue;
            }

            if (!headerSeen)
            {
                headerSeen = trimmed.SequenceEqual(header)
                    ? true
                    : throw new FormatException($"{CloudCatalogLine.Where(file, lineNumber)}: the header must be `{header}`");
                continue;
            }

            line.Set(trimmed.ToString(), lineNumber);
            rows.Add(readRow(line));
        }

        var where = file is null ? string.Empty : $"{file}: ";
        if (!headerSeen)
        {
            throw new FormatException($"{where}the catalog has no header `{header}`");
        }

        return new CloudCatalog<TRow>(
            rows,
            date ?? throw new FormatException($"{where}the catalog's header comments have no `# date: YYYY-MM-DD` line"),
            source ?? throw new FormatException($"{where}the catalog's header comments have no `# source:` line"));
    }
}
