using System.Text.Encodings.Web;

namespace DirectLB.Host.Web;

/// <summary>The status page's small HTML pieces, every text encoded.</summary>
internal static class Markup
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    public static string E(string text) => Html.Encode(text);

    public static string Flag(bool good, string yes, string no) =>
        good ? $"<span class=\"ok\">{E(yes)}</span>" : $"<span class=\"bad\">{E(no)}</span>";
}
