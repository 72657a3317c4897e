using System.Text.Json;
using Dstack.LanguageServer.Protocol;

namespace Dstack.LanguageServer.Documents;

/// <summary>
/// Checks, hovers, completes and outlines three small sample documents on a background thread once the client has
/// the answer to <c>initialize</c>, so that this code is compiled (JIT) before the client's first request: without it,
/// the first file's diagnostics take three times longer than the rest, and the first hover or completion several times
/// longer. The samples go through the same path as a real file, JSON included.
/// </summary>
public static class WarmUp
{
    private const string Valid = """
        type: task
        name: warm-up
        python: "3.11"
        env:
          - HF_TOKEN
          - MODEL=llama3
        commands:
          - pip install -r requirements.txt
          - python train.py ${{ run.args }}
        ports:
          - 8080
          - "3000:80"
        resources:
          cpu: 4..
          memory: 16GB..64GB
          gpu: A100:80GB:2
          disk: 200GB..
          shm_size: 16GB
        spot_policy: auto
        max_duration: 2h
        retry:
          on_events: [no-capacity, interruption]
          duration: 1h
        volumes:
          - my-data:/data
        """;

    private const string Broken = """
        type: task
        commands: python train.py
        image: python:3.11
        python: 3.10
        image: again
        ports: [70000, 8080:22]
        resources:
          gpus: A100:2
          gpu: A100:80XB
          memory: 80GB..40GB
        spot_policy: sometimes
        """;

    /// <summary>The sample files, by path: a clean task, a task with many kinds of error, and a profiles file.</summary>
    internal static IReadOnlyList<(string Path, string Text)> Samples { get; } =
    [
        ("/warm-up/.dstack.yml", Valid),
        ("/warm-up/broken.dstack.yml", Broken),
        ("/warm-up/.dstack/profiles.yml", "profiles:\n  - name: p\n    default: true\n"),
    ];

    /// <summary>
    /// Starts the warm-up; it never fails the server (a failure here only costs the speed-up). It shares nothing with
    /// the session but the runtime's caches, which are safe to fill from two threads.
    /// </summary>
    public static Task StartAsync() => Started.Value;

    /// <summary>Once per process: a second session (tests run many) finds the code compiled already.</summary>
    private static readonly Lazy<Task> Started = new(() => Task.Run(Run));

    private static void Run()
    {
        try
        {
            foreach (var (name, text) in Samples)
            {
                var snapshot = new DocumentSnapshot($"file://{name}", name, 1, text);
                var diagnostics = DocumentDiagnostics.Compute(snapshot, new DocumentStore());
                JsonSerializer.SerializeToUtf8Bytes(new PublishDiagnosticsParams(snapshot.Uri, snapshot.Version, diagnostics), LspJsonContext.Wire.PublishDiagnosticsParams);
                JsonSerializer.SerializeToUtf8Bytes(Outline.DocumentOutline.Of(snapshot), LspJsonContext.Wire.IReadOnlyListDocumentSymbol);
                var lines = text.Split('\n');
                for (var line = 0; line < lines.Length; line++)
                {
                    // On the key, and at the end of the line (the value), as a user's first hovers would be.
                    foreach (var character in new[] { lines[line].Length - lines[line].TrimStart().Length + 1, lines[line].Length })
                    {
                        if (Hover.DocumentHover.At(snapshot, new Position(line, character)) is { } hover)
                        {
                            JsonSerializer.SerializeToUtf8Bytes(hover, LspJsonContext.Wire.LspHover);
                        }

                        JsonSerializer.SerializeToUtf8Bytes(Completion.CompletionDispatcher.Complete(snapshot, new Position(line, character), null), LspJsonContext.Wire.CompletionList);
                    }
                }
            }
        }
        catch (Exception)
        {
            // Nothing to report: the real documents will show any real problem.
        }
    }
}
