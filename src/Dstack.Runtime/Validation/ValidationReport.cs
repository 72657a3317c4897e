using System.Text;
using System.Text.Json;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Configuration.Json;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Validation;

/// <summary>The result of checking files: the documents, and the problems with the paths themselves.</summary>
public sealed record ValidationReport(IReadOnlyList<ConfigurationDocument> Documents, IReadOnlyList<Diagnostic> PathProblems)
{
    public IEnumerable<Diagnostic> AllDiagnostics => PathProblems.Concat(Documents.SelectMany(d => d.Diagnostics));

    public int ErrorCount => AllDiagnostics.Count(d => d.IsError);

    public int WarningCount => AllDiagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning);

    /// <summary>Finds and checks every file under <paramref name="paths"/>; workflows files also against the other workflows of their folder.</summary>
    public static ValidationReport Run(IEnumerable<string> paths, string workingDirectory)
    {
        var (files, problems) = ConfigurationFinder.Find(paths, workingDirectory);
        var documents = files.Select(f => ConfigurationLoader.LoadFile(f.FullPath, f.DisplayPath)).ToList();
        return new ValidationReport(WorkflowDependencyCheck.Apply(files, documents), problems);
    }

    /// <summary>The JSON contract of <c>dstack validate --format json</c> (DESIGN.md).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, NormalizedJson.WriterOptions(indented: true)))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("files");
            foreach (var problem in PathProblems)
            {
                writer.WriteStartObject();
                writer.WriteString("path", problem.Path);
                writer.WriteBoolean("valid", !problem.IsError);
                writer.WriteStartArray("diagnostics");
                WriteDiagnostic(writer, problem);
                writer.WriteEndArray();
                writer.WriteNull("configuration");
                writer.WriteEndObject();
            }

            foreach (var document in Documents)
            {
                writer.WriteStartObject();
                writer.WriteString("path", document.Path);
                writer.WriteBoolean("valid", document.IsValid);
                writer.WriteStartArray("diagnostics");
                foreach (var diagnostic in document.Diagnostics)
                {
                    WriteDiagnostic(writer, diagnostic);
                }

                writer.WriteEndArray();
                writer.WritePropertyName("configuration");
                NormalizedJson.Write(writer, document.IsValid ? document.Model : null);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void WriteDiagnostic(Utf8JsonWriter writer, Diagnostic diagnostic)
    {
        writer.WriteStartObject();
        writer.WriteString("code", diagnostic.Code);
        writer.WriteString("severity", diagnostic.Severity.ToString().ToLowerInvariant());
        writer.WriteString("message", diagnostic.Message);
        writer.WriteString("path", diagnostic.Path);
        writer.WriteNumber("line", diagnostic.Span.StartLine);
        writer.WriteNumber("column", diagnostic.Span.StartColumn);
        writer.WriteNumber("endLine", diagnostic.Span.EndLine);
        writer.WriteNumber("endColumn", diagnostic.Span.EndColumn);
        writer.WriteEndObject();
    }
}
