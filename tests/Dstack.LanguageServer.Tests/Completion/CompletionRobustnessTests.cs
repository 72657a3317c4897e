using Dstack.LanguageServer.Completion;
using Dstack.LanguageServer.Documents;
using Dstack.LanguageServer.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace Dstack.LanguageServer.Tests.Completion;

/// <summary>
/// Completion never throws, whatever the text and position, and every item it gives is an edit an editor can apply:
/// one line, the cursor's, covering the cursor.
/// </summary>
[Trait("Category", "Fast")]
public sealed class CompletionRobustnessTests
{
    /// <summary>Broken and unusual texts: half-written keys, unclosed brackets and quotes, tabs, CR, comments, emoji, deep nesting.</summary>
    public static readonly string[] Broken =
    [
        string.Empty,
        "\n\n\n",
        "type: task\nresources:\n  gpu: {name: [A100, \"H1\n  memory: [\n",
        "type:\n- - - :\n  : :\n-\n- -\n",
        "\ttype: task\n\t\tcommands:\n\t- x",
        "type: task\r\nports:\r\n  - \"80\r\n  - *:\r\n",
        "profiles:\n  - name: a\n    retry:\n      on_events: [error, \n    - : x\n",
        "workflows:\n- name: x\n  resources:\n    gpu:\n      name: \n      memory: 16GB..\n  :\n",
        "type: service\nport: \"8000:\nmodel: {type: chat, name: 'x\nreplicas: 0..\n",
        "resources: {cpu: 2, gpu: {name: A100, count: [1, {x: ]}}}}}]]]\n",
        "type: task # 😀 comment\nenv:\n  - 😀=1\n  A: \"日本\n'quoted key': [\n\"other\": {\n",
        "- a\n  - b\n    - c: d\n      e\n",
        "type: task\nresources:\n  gpu: A100:80GB:2:nvidia:,,::..\n  disk: ..\n  memory: 1e308GB..\n  cpu: 99999999999..\n",
    ];

    [Fact]
    public void EveryPosition_OfExamplesAndBrokenTexts_GivesApplicableItems()
    {
        var texts = Broken.Concat(Examples()).ToList();
        foreach (var text in texts)
        {
            foreach (var path in (string[])["/p/x.dstack.yml", "/p/.dstack/profiles.yml", "/p/.dstack/workflows/w.yaml"])
            {
                var document = new DocumentSnapshot("file://" + path, path, 1, text);
                var lines = text.Split(["\r\n", "\n", "\r"], StringSplitOptions.None);
                for (var line = 0; line < lines.Length; line++)
                {
                    for (var character = 0; character <= lines[line].Length; character++)
                    {
                        AssertApplicable(document, line, character);
                    }
                }
            }
        }
    }

    [Fact]
    public void RandomTextsAndPositions_NeverThrow() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3_000).WithQuietOnSuccess(true), Prop.ForAll(Texts.ToArbitrary(), Gen.Choose(-2, 40).ToArbitrary(), Gen.Choose(-2, 60).ToArbitrary(), (text, line, character) =>
        {
            var document = new DocumentSnapshot("file:///p/x.dstack.yml", "/p/x.dstack.yml", 1, text);
            var list = CompletionDispatcher.Complete(document, new Position(line, character), null);
            Assert.All(list.Items, i => Assert.Equal(Assert.IsType<TextEdit>(i.TextEdit).Range.Start.Line, i.TextEdit!.Range.End.Line));
        }));

    [Fact]
    public void TriggerCharacters_AtEveryPosition_NeverThrow()
    {
        var document = new DocumentSnapshot("file:///p/x.dstack.yml", "/p/x.dstack.yml", 1, Broken[2] + Broken[10]);
        foreach (var trigger in CompletionDispatcher.TriggerCharacters)
        {
            for (var line = 0; line < 10; line++)
            {
                for (var character = 0; character < 40; character++)
                {
                    _ = CompletionDispatcher.Complete(document, new Position(line, character), new CompletionContext(CompletionTriggerKind.TriggerCharacter, trigger));
                }
            }
        }
    }

    /// <summary>Texts made of YAML's structural characters, keys and values of the model, and odd characters.</summary>
    private static Gen<string> Texts { get; } =
        Gen.ArrayOf(Gen.Elements(
            "type", "task", "service", "resources", "gpu", "A100", "profiles", "workflows", "name", "ports", "env", "backends",
            ":", ": ", "- ", "-", " ", "  ", "\t", "\n", "\r\n", "\r", "[", "]", "{", "}", ",", "\"", "'", "#", "..", "80GB", "8080",
            "😀", "\u00e9", "=", "*", "&a", "|", ">", "spot_policy", "retry", "on_events", "python", "3.10")).Select(parts => string.Concat(parts));

    private static void AssertApplicable(DocumentSnapshot document, int line, int character)
    {
        var list = CompletionDispatcher.Complete(document, new Position(line, character), null);
        foreach (var item in list.Items)
        {
            // Every item is built with its edit; CompletionForClient only shortens it on the wire.
            var range = Assert.IsType<TextEdit>(item.TextEdit).Range;
            Assert.True(range.Start.Line == line && range.End.Line == line, $"{item.Label} at {line}:{character} edits another line in:\n{document.Text}");
            Assert.True(range.Start.Character <= character && character <= range.End.Character, $"{item.Label} at {line}:{character} does not cover the cursor: {range}\n{document.Text}");
        }
    }

    private static IEnumerable<string> Examples()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Dstack.sln")))
        {
            folder = folder.Parent;
        }

        Assert.NotNull(folder);
        var examples = Directory.GetFiles(Path.Combine(folder.FullName, "examples"), "*.yml", SearchOption.AllDirectories);
        Assert.NotEmpty(examples);
        return examples.Select(File.ReadAllText);
    }
}
