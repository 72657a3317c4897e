using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Completion;

/// <summary>An item of <c>env</c> in the list form: <c>NAME=value</c>, or <c>NAME</c> alone for a variable required at run time.</summary>
public static class EnvCompletion
{
    public static void Add(CompletionItems items)
    {
        var typed = items.Request.Prefix;
        if (typed.Contains('=', StringComparison.Ordinal))
        {
            return;
        }

        if (typed.Length > 0 && IsName(typed))
        {
            items.Snippet($"{typed}=value", $"{typed}=${{1:value}}", "a variable with its value");
            items.Value(typed, CompletionItemKind.Value, "required: its value comes from -e or your environment at run time");
            return;
        }

        items.Snippet("NAME=value", "${1:NAME}=${2:value}", "a variable with its value", filterText: "NAME=value");
        items.Snippet("NAME", "${1:NAME}", "required: its value comes from -e NAME=... or your environment at run time", filterText: "NAME");
    }

    private static bool IsName(string text) =>
        (char.IsAsciiLetter(text[0]) || text[0] == '_') && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
