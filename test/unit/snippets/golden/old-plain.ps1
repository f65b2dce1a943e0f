# Old Server Fire Hydrants: rows from the OKC open data portal (PowerShell, Invoke-RestMethod).
$Url = 'https://gis.example.invalid/arcgis/rest/services/Utilities/Hydrants/FeatureServer/0/query'
$Params = [ordered]@{
    'f' = 'json'
    'where' = '1=1'
    'outFields' = '*'
    'orderByFields' = 'objectid ASC'
    'returnGeometry' = 'false'
    'outSR' = '4326'
}
$Token = [Environment]::GetEnvironmentVariable('OKC_PORTAL_TOKEN')
if ($Token) { $Params['token'] = $Token }

$Page = Invoke-RestMethod -Uri $Url -Method Get -Body $Params
# ArcGIS reports query errors with HTTP 200 and an "error" object.
if ($Page.error) { throw $Page.error.message }
$Rows = @($Page.features)
