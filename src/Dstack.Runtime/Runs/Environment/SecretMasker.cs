using System.Buffers;
using System.Text;

namespace Dstack.Runtime.Runs.Environment;

/// <summary>
/// Replaces secret values in text (log lines, error messages) with <c>***</c>. Every occurrence of every secret is
/// hidden, also where secrets overlap: the covered characters are merged and each merged run becomes one
/// <c>***</c>, so no part of a longer secret survives because a shorter one matched first. A secret that spans
/// lines is also masked line by line (each line of 4 characters or more), because logs arrive one line at a time.
/// </summary>
public sealed class SecretMasker
{
    /// <summary>What a secret becomes.</summary>
    public const string Replacement = "***";

    private readonly string[] _secrets;
    private readonly SearchValues<string>? _search;

    public SecretMasker(IEnumerable<string> secrets)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            if (secret.Length == 0)
            {
                continue;
            }

            all.Add(secret);
            if (secret.Contains('\n', StringComparison.Ordinal))
            {
                foreach (var line in secret.Split('\n'))
                {
                    var piece = line.TrimEnd('\r');
                    if (piece.Length >= EnvironmentResolver.MinimumSecretLength)
                    {
                        all.Add(piece);
                    }
                }
            }
        }

        _secrets = [.. all.OrderByDescending(s => s.Length)];
        _search = _secrets.Length == 0 ? null : SearchValues.Create(_secrets, StringComparison.Ordinal);
    }

    /// <summary>Every value masked, longest first: the secrets and the lines of those that span lines.</summary>
    public IReadOnlyList<string> Secrets => _secrets;

    /// <summary>True when there is nothing to mask.</summary>
    public bool IsEmpty => _secrets.Length == 0;

    /// <summary>
    /// The text with each secret replaced by <c>***</c>; the same instance when it holds none, which one vectorized
    /// search decides.
    /// </summary>
    public string Mask(string text)
    {
        if (_search is null)
        {
            return text;
        }

        var first = text.AsSpan().IndexOfAny(_search);
        if (first < 0)
        {
            return text;
        }

        var covered = new List<(int Start, int End)>();
        foreach (var secret in _secrets)
        {
            for (var at = text.IndexOf(secret, first, StringComparison.Ordinal); at >= 0; at = text.IndexOf(secret, at + 1, StringComparison.Ordinal))
            {
                covered.Add((at, at + secret.Length));
            }
        }

        covered.Sort();
        var masked = new StringBuilder(text.Length);
        var position = 0;
        var index = 0;
        while (index < covered.Count)
        {
            var (start, end) = covered[index++];
            while (index < covered.Count && covered[index].Start < end)
            {
                end = Math.Max(end, covered[index++].End);
            }

            masked.Append(text, position, start - position).Append(Replacement);
            position = end;
        }

        return masked.Append(text, position, text.Length - position).ToString();
    }
}
