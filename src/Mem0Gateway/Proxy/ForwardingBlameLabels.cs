namespace Mem0Gateway.Proxy;

/// <summary>The label value of each <see cref="ForwardingBlame"/>, in one place.</summary>
public static class ForwardingBlameLabels
{
    private static readonly string[] Labels = ["none", "client", "gateway", "upstream_transport", "upstream_application", "timeout"];

    public static string ToLabel(this ForwardingBlame blame) => Labels[(int)blame];
}
