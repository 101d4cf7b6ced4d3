{{/* Name of every object of the chart. */}}
{{- define "thv-operator.fullname" -}}
{{- default "thv-operator" .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the operator's pods. */}}
{{- define "thv-operator.selectorLabels" -}}
app.kubernetes.io/name: thv-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object of the chart. */}}
{{- define "thv-operator.labels" -}}
{{ include "thv-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The operator's image reference. */}}
{{- define "thv-operator.image" -}}
{{- printf "%s:%s" .Values.operator.image.repository (default .Chart.AppVersion .Values.operator.image.tag) -}}
{{- end -}}

{{/* The namespaces the operator watches: empty for the whole cluster; fails on a scope it cannot honour. */}}
{{- define "thv-operator.watchNamespaces" -}}
{{- $rbac := .Values.operator.rbac -}}
{{- if eq $rbac.scope "namespace" -}}
{{- if not $rbac.allowedNamespaces -}}
{{- fail "operator.rbac.allowedNamespaces is empty: list the namespaces to watch, or set operator.rbac.scope=cluster" -}}
{{- end -}}
{{- join "," $rbac.allowedNamespaces -}}
{{- else if $rbac.allowedNamespaces -}}
{{- fail "operator.rbac.allowedNamespaces is set with scope cluster: set operator.rbac.scope=namespace to use it" -}}
{{- end -}}
{{- end -}}
