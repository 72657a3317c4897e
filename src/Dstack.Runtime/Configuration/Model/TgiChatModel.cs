using System.ComponentModel;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A chat model the service serves with HuggingFace Text Generation Inference (<c>format: tgi</c>).</summary>
public sealed record TgiChatModel : ServiceModel
{
    public override string Format => "tgi";

    [Description("The prompt template for the model. Default: the one in the model's HuggingFace Hub configuration.")]
    public string? ChatTemplate { get; init; }

    [Description("The end-of-sentence token. Default: the one in the model's HuggingFace Hub configuration.")]
    public string? EosToken { get; init; }
}
