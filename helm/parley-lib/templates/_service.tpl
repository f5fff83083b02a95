{{- define "parley.service" -}}
{{- if .Values.http.enabled -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "parley.fullname" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
  {{- with .Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "parley.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.http.port }}
      targetPort: http
      protocol: TCP
{{- end -}}
{{- end -}}
