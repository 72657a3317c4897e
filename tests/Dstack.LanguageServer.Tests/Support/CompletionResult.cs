using System.Text.Json;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>A completion list, the text and the cursor it was asked for, with the views tests assert on.</summary>
public sealed record CompletionResult(string Text, JsonElement List, int Line, int Character)
{
    public IReadOnlyList<JsonElement> Items => [.. List.GetProperty("items").EnumerateArray()];

    /// <summary>The labels in the order an editor shows them: by sort text, then label.</summary>
    public IReadOnlyList<string> Labels =>
        [.. Items.OrderBy(SortText, StringComparer.Ordinal).ThenBy(Label, StringComparer.Ordinal).Select(Label)];

    public JsonElement Item(string label) => Items.Single(i => Label(i) == label);

    public string Detail(string label) => Item(label).TryGetProperty("detail", out var d) ? d.GetString()! : string.Empty;

    /// <summary>The text after accepting the item <paramref name="label"/>.</summary>
    public string Accept(string label) => Completions.Apply(this, Item(label));

    /// <summary>The text the item <paramref name="label"/> puts in, in whichever form the list gave it.</summary>
    public string NewText(string label) => Completions.Edit(this, Item(label)).NewText;

    private static string Label(JsonElement item) => item.GetProperty("label").GetString()!;

    private static string SortText(JsonElement item) => item.TryGetProperty("sortText", out var s) ? s.GetString()! : Label(item);
}
