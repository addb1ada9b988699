using System.Text;

namespace DirectLB.KubeApiServer.Store;

/// <summary>
/// Pagination state: the revision the first page was served at and the last key returned. Like the real server's
/// token it is opaque to clients and pins later pages to the first page's snapshot.
/// </summary>
internal sealed record ContinueToken(long ResourceVersion, string LastKey)
{
    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ResourceVersion}|{LastKey}"));

    public static ContinueToken Decode(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var separator = text.IndexOf('|', StringComparison.Ordinal);
            return new ContinueToken(long.Parse(text[..separator], System.Globalization.CultureInfo.InvariantCulture), text[(separator + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw KubeApiException.BadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
        }
    }
}
