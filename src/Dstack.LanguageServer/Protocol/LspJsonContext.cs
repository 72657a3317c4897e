using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dstack.LanguageServer.Protocol;

/// <summary>
/// Source-generated JSON for every message and LSP type: no reflection at startup, camelCase names as LSP spells them,
/// absent optional members left out. Params are checked against the records: a missing required member or a null
/// where the record does not allow one is a <see cref="JsonException"/>, which the server answers as invalid params.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(RequestMessage))]
[JsonSerializable(typeof(NotificationMessage))]
[JsonSerializable(typeof(ResponseMessage))]
[JsonSerializable(typeof(ErrorResponseMessage))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(CancelParams))]
[JsonSerializable(typeof(InitializeParams))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(DidOpenTextDocumentParams))]
[JsonSerializable(typeof(DidChangeTextDocumentParams))]
[JsonSerializable(typeof(DidCloseTextDocumentParams))]
[JsonSerializable(typeof(DocumentDiagnosticParams))]
[JsonSerializable(typeof(FullDocumentDiagnosticReport))]
[JsonSerializable(typeof(PublishDiagnosticsParams))]
[JsonSerializable(typeof(LogMessageParams))]
[JsonSerializable(typeof(CodeLensParams))]
[JsonSerializable(typeof(IReadOnlyList<CodeLens>))]
[JsonSerializable(typeof(ExecuteCommandParams))]
[JsonSerializable(typeof(ValidateResult))]
[JsonSerializable(typeof(RunCommandLineOptions))]
[JsonSerializable(typeof(RunCommandLineResult))]
[JsonSerializable(typeof(OffersResult))]
[JsonSerializable(typeof(CodeActionParams))]
[JsonSerializable(typeof(IReadOnlyList<CodeAction>))]
[JsonSerializable(typeof(WorkDoneProgressCreateParams))]
[JsonSerializable(typeof(ProgressParams))]
[JsonSerializable(typeof(WorkDoneProgressBegin))]
[JsonSerializable(typeof(WorkDoneProgressReport))]
[JsonSerializable(typeof(WorkDoneProgressEnd))]
[JsonSerializable(typeof(TextDocumentPositionParams))]
[JsonSerializable(typeof(LspHover))]
[JsonSerializable(typeof(DocumentSymbolParams))]
[JsonSerializable(typeof(IReadOnlyList<DocumentSymbol>))]
[JsonSerializable(typeof(DocumentFormattingParams))]
[JsonSerializable(typeof(IReadOnlyList<TextEdit>))]
[JsonSerializable(typeof(CompletionParams))]
[JsonSerializable(typeof(CompletionList))]
[JsonSerializable(typeof(DidChangeWatchedFilesParams))]
[JsonSerializable(typeof(RegistrationParams))]
[JsonSerializable(typeof(DidChangeWatchedFilesRegistrationOptions))]
[JsonSerializable(typeof(ShowDocumentParams))]
public sealed partial class LspJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context for what goes on the wire: the same contract as <see cref="Default"/>, but quotes, backticks and
    /// non-ASCII text are written as they are (JSON allows it; the default escaping is for HTML), so messages stay readable.
    /// </summary>
    public static LspJsonContext Wire => field ??= new(new JsonSerializerOptions(Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
