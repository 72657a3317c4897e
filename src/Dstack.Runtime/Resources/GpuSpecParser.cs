using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Resources;

/// <summary>
/// The GPU string grammar of dstack 0.18: tokens separated by ':' in any order, each kind at most once,
/// classified as vendor, then names (first character a letter), then memory (any letter), else count.
/// </summary>
public static class GpuSpecParser
{
    /// <summary>Parses a GPU string such as <c>A100:80GB:2</c>; deprecation notes go to <paramref name="warnings"/>.</summary>
    /// <exception cref="ValueException">The text breaks the grammar; the issue points at the offending token.</exception>
    public static GpuSpec Parse(string text, ICollection<ValueIssue>? warnings = null)
    {
        var compact = text.Replace(" ", string.Empty, StringComparison.Ordinal);
        var exact = compact.Length == text.Length;
        GpuVendor? vendor = null;
        List<string>? names = null;
        (string Text, int Offset)? memory = null;
        (string Text, int Offset)? count = null;
        var offset = 0;
        foreach (var token in compact.Split(':'))
        {
            var at = exact ? offset : -1;
            var length = exact ? token.Length : 0;
            offset += token.Length + 1;
            if (token.Length == 0)
            {
                throw ValueException.Error(DiagnosticCodes.InvalidGpuSpec, $"GPU spec contains empty token: {text}; remove the extra ':'");
            }

            if (TryVendor(token, out var v))
            {
                vendor = vendor is null ? v : throw Conflict("vendor", text, at, length);
            }
            else if (char.IsLetter(token[0]))
            {
                if (names is not null)
                {
                    throw Conflict("name", text, at, length);
                }

                names = [.. token.Split(',')];
                if (names.Any(n => n.Length == 0))
                {
                    throw ValueException.Error(DiagnosticCodes.InvalidGpuSpec, $"GPU name can not be empty: {text}; remove the extra ','", at, length);
                }
            }
            else if (token.Any(char.IsLetter))
            {
                memory = memory is null ? (token, at) : throw Conflict("memory", text, at, length);
            }
            else
            {
                count = count is null ? (token, at) : throw Conflict("count", text, at, length);
            }
        }

        return new GpuSpec
        {
            Vendor = vendor,
            Name = names is null ? null : StripTpuPrefix(names, warnings),
            Count = count is { } c ? Shifted(() => RangeParser.ParseCount(c.Text), c.Offset, c.Text.Length) : Range<int>.Exactly(1),
            Memory = memory is { } m ? Shifted(() => RangeParser.ParseMemory(m.Text), m.Offset, m.Text.Length) : null,
        };
    }

    /// <summary>Reads a vendor word, case-insensitively; <c>tpu</c> means Google.</summary>
    public static bool TryVendor(string text, out GpuVendor vendor)
    {
        (var found, vendor) = text.ToLowerInvariant() switch
        {
            "nvidia" => (true, GpuVendor.Nvidia),
            "amd" => (true, GpuVendor.Amd),
            "google" or "tpu" => (true, GpuVendor.Google),
            "intel" => (true, GpuVendor.Intel),
            _ => (false, GpuVendor.Nvidia),
        };
        return found;
    }

    /// <summary>Removes the deprecated <c>tpu-</c> prefix from names, with a warning, as dstack does.</summary>
    public static IReadOnlyList<string> StripTpuPrefix(IReadOnlyList<string> names, ICollection<ValueIssue>? warnings)
    {
        if (!names.Any(n => n.StartsWith("tpu-", StringComparison.Ordinal)))
        {
            return names;
        }

        warnings?.Add(new ValueIssue(
            DiagnosticCodes.DeprecatedProperty,
            DiagnosticSeverity.Warning,
            "`tpu-` prefix is deprecated, specify gpu_vendor instead: write, for example, `tpu:v3-8` or `vendor: google` with `name: v3-8`"));
        return [.. names.Select(n => n.StartsWith("tpu-", StringComparison.Ordinal) ? n[4..] : n)];
    }

    // A problem with the whole token (16G, 80GB..40GB) points at the token; one inside it keeps its place.
    private static T Shifted<T>(Func<T> parse, int offset, int length)
    {
        try
        {
            return parse();
        }
        catch (ValueException e) when (offset >= 0)
        {
            throw new ValueException(e.Issue.At(0, length).Shift(offset));
        }
        catch (ValueException e) when (e.Issue.Fix is { Offset: < 0 })
        {
            // The token could not be placed (the spec has spaces): its issue covers the whole value, its fix cannot.
            throw new ValueException(e.Issue.Unplaced());
        }
    }

    private static ValueException Conflict(string kind, string text, int offset, int length) =>
        ValueException.Error(
            DiagnosticCodes.InvalidGpuSpec,
            $"GPU spec {kind} conflict: {text}; give each of vendor, names, memory and count once (several names go in one token: A100,H100)",
            offset,
            length);
}
