namespace MetricsPipeline.Samples;

/// <summary>
/// The codes the sample departments write, as real ones do: the OA system's documents and the grid app's
/// check-ins carry Chinese labels of their own (mapped to categories through ref.code_map), while the OA
/// meetings module and the form platform use Latin codes. One place, so the generators and
/// appsettings.demo.json cannot drift apart.
/// </summary>
public static class DepartmentCodes
{
    /// <summary>oa.documents.doc_kind: red-header files.</summary>
    public const string FormalDocument = "红头文件";

    /// <summary>oa.documents.doc_kind: white-header notices.</summary>
    public const string InformalDocument = "白头通知";

    /// <summary>oa.documents.doc_kind from 2025-10: meeting minutes sent down as documents, left unmapped on purpose.</summary>
    public const string UnmappedDocument = "会议纪要";

    /// <summary>grid checkins.kind: a location check-in.</summary>
    public const string CheckIn = "定位打卡";

    /// <summary>grid checkins.kind: a photo upload.</summary>
    public const string PhotoUpload = "拍照上传";
}
