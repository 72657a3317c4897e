using System.Buffers;

namespace Dstack.Runtime.Runs.Environment;

/// <summary>The rule for environment variable names, <c>^[A-Za-z_][A-Za-z0-9_]*$</c>, the same as the configuration's <c>env</c>.</summary>
internal static class VariableName
{
    private static readonly SearchValues<char> NameCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    public const string Rule = "names start with a letter or _ and hold only letters, digits and _";

    public static bool IsValid(string name) =>
        name.Length > 0 &&
        (char.IsAsciiLetter(name[0]) || name[0] == '_') &&
        name.AsSpan(1).IndexOfAnyExcept(NameCharacters) < 0;

    /// <summary>A valid name close to <paramref name="name"/>, to suggest in a message: other characters become <c>_</c>.</summary>
    public static string Suggest(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        var fixedName = new string(chars);
        return fixedName.Length == 0 || char.IsAsciiDigit(fixedName[0]) ? "_" + fixedName : fixedName;
    }
}
