using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Dstack.Tasks;

/// <summary>
/// Splits a property such as <c>DstackArgs</c> (<c>--prompt "Dogs in hats" --epochs 3</c>) into words the way a
/// shell would for the common cases: spaces separate words; <c>'...'</c> is literal; <c>"..."</c> keeps spaces, and
/// inside it <c>\"</c> and <c>\\</c> are a quote and a backslash. A backslash elsewhere is an ordinary character, so
/// Windows paths (<c>C:\data</c>) need no doubling.
/// </summary>
public static class CommandLineWords
{
    /// <summary>The words; false with the problem when a quote is not closed.</summary>
    public static bool TrySplit(string? text, out List<string> words, [NotNullWhen(false)] out string? problem)
    {
        words = [];
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c is '\'' or '"')
            {
                var close = c;
                var start = i;
                i++;
                while (i < text.Length && text[i] != close)
                {
                    if (close == '"' && text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\')
                    {
                        i++;
                    }

                    word.Append(text[i]);
                    i++;
                }

                if (i >= text.Length)
                {
                    problem = $"the {(close == '"' ? "double" : "single")} quote at character {start + 1} is never closed";
                    return false;
                }

                continue;
            }

            word.Append(c);
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return true;
    }
}
