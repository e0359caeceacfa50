//! The hardening and RBAC packs: for each practice, a manifest whose findings land exactly
//! on the lines marked `# <- POLICY-ID` (at the marked line's first non-blank character, or
//! at `@token` on it), and the fixed form of the same manifest, which has none.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kubeward::{load, Engine, EngineOptions, Scan};

/// One practice: the policies it checks, a manifest with marked findings, the fixed form.
struct Practice {
    name: &'static str,
    policies: &'static [&'static str],
    bad: &'static str,
    good: &'static str,
}

fn engine() -> Engine {
    Engine::new(EngineOptions {
        packs: vec!["all".to_string()],
        // KW-IMG-017 forbids nothing until its list is set.
        parameters: [(
            "KW-IMG-017.forbiddenRegistries".to_string(),
            serde_json::json!("^docker\\.io/"),
        )]
        .into_iter()
        .collect(),
        ..EngineOptions::default()
    })
    .unwrap_or_else(|e| panic!("{e:#?}"))
}

/// `(policy, line, column)` of every marker: `# <- KW-HRD-001 KW-HRD-002@token`.
fn markers(text: &str) -> Vec<(String, u32, u32)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((code, marks)) = line.split_once("# <- ") else {
            continue;
        };
        for mark in marks.split_whitespace() {
            let (policy, token) = match mark.split_once('@') {
                Some((p, t)) => (p, Some(t)),
                None => (mark, None),
            };
            let byte = match token {
                Some(t) => code
                    .find(t)
                    .unwrap_or_else(|| panic!("`{t}` is not on line {}", i + 1)),
                None => code.len() - code.trim_start().len(),
            };
            let column = code.get(..byte).unwrap().chars().count() + 1;
            out.push((
                policy.to_string(),
                u32::try_from(i + 1).unwrap(),
                u32::try_from(column).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

fn found(engine: &Engine, practice: &Practice, text: &str) -> Vec<(String, u32, u32)> {
    let scan = Scan {
        files: vec![load(practice.name, text.as_bytes(), 0)],
    };
    assert!(
        scan.files[0].errors.is_empty(),
        "{}: {:?}",
        practice.name,
        scan.files[0].errors
    );
    let mut out: Vec<(String, u32, u32)> = engine
        .evaluate(&scan)
        .into_iter()
        .filter(|f| practice.policies.contains(&f.policy.as_str()))
        .map(|f| (f.policy, f.region.line, f.region.column))
        .collect();
    out.sort();
    out
}

const NON_ROOT: Practice = Practice {
    name: "non-root",
    policies: &["KW-HRD-001", "KW-HRD-002"],
    bad: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1001
        runAsGroup: 0                       # <- KW-HRD-001
        supplementalGroups:
          - 1001
          - 0                               # <- KW-HRD-002
      containers:
        - name: web
          image: registry.access.redhat.com/ubi9/nginx-124:1-55
"#,
    good: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1001
        runAsGroup: 1001
        supplementalGroups:
          - 1001
      containers:
        - name: web
          image: registry.access.redhat.com/ubi9/nginx-124:1-55
"#,
};

const SERVICES: Practice = Practice {
    name: "pods-talk-through-services",
    policies: &[
        "KW-REL-001",
        "KW-REL-002",
        "KW-REL-003",
        "KW-NET-002",
        "KW-NET-003",
    ],
    bad: r#"
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http-alt                  # <- KW-REL-002
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.access.redhat.com/ubi9/nginx-124:1-55
          ports:
            - name: http
              containerPort: 8080           # <- KW-REL-003
          env:
            - name: API_HOST
              value: 10.96.0.12             # <- KW-NET-002
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: shop}
data:
  upstream.conf: |                          # <- KW-NET-003
    server 10.244.3.7:8080;
---
apiVersion: v1
kind: Service
metadata: {name: admin, namespace: shop}
spec:
  selector:                                 # <- KW-REL-001
    app: web-admin
  ports:
    - port: 9000
      targetPort: http
"#,
    good: r#"
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.access.redhat.com/ubi9/nginx-124:1-55
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: API_HOST
              value: api.shop.svc.cluster.local
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: shop}
data:
  upstream.conf: |
    server api.shop.svc.cluster.local:8080;
---
apiVersion: v1
kind: Service
metadata: {name: admin, namespace: shop}
spec:
  selector:
    app: web
  ports:
    - port: 9000
      targetPort: http
"#,
};

const PRIVILEGED_PORTS: Practice = Practice {
    name: "no-privileged-ports",
    policies: &["KW-NET-001", "KW-NET-004", "KW-NET-005", "KW-HRD-003"],
    bad: r#"
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers:
    - name: web
      image: registry.access.redhat.com/ubi9/nginx-124:1-55
      ports:
        - name: http
          containerPort: 80                 # <- KW-NET-001
          hostPort: 80                      # <- KW-NET-004
      securityContext:
        capabilities:
          drop:
            - ALL
          add:
            - NET_BIND_SERVICE              # <- KW-HRD-003
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80                        # <- KW-NET-005
"#,
    good: r#"
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers:
    - name: web
      image: registry.access.redhat.com/ubi9/nginx-124:1-55
      ports:
        - name: http
          containerPort: 8080
      securityContext:
        capabilities:
          drop:
            - ALL
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: http
"#,
};

const TRUSTED_IMAGES: Practice = Practice {
    name: "trusted-base-images",
    policies: &[
        "KW-IMG-001",
        "KW-IMG-002",
        "KW-IMG-003",
        "KW-IMG-004",
        "KW-IMG-005",
    ],
    bad: r#"
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          initContainers:
            - name: fetch
              image: docker.io/library/busybox  # <- KW-IMG-001 KW-IMG-002 KW-IMG-003
          containers:
            - name: report
              image: registry.access.redhat.com/ubi9/ubi-minimal:9.4  # <- KW-IMG-003 KW-IMG-004
            - name: tool
              image: registry.access.redhat.com/ubi9/python-312:1-20  # <- KW-IMG-003
              imagePullPolicy: Never        # <- KW-IMG-005
"#,
    good: r#"
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          initContainers:
            - name: fetch
              image: registry.access.redhat.com/ubi9/ubi-minimal:9.4@sha256:4f7e8f2cbbd1e4b1b5bd9b2a0e0c1f3b6b1e0f8a2b0c1d2e3f4a5b6c7d8e9f0a
          containers:
            - name: report
              image: registry.access.redhat.com/ubi9/ubi-minimal:9.4@sha256:4f7e8f2cbbd1e4b1b5bd9b2a0e0c1f3b6b1e0f8a2b0c1d2e3f4a5b6c7d8e9f0a
              imagePullPolicy: Always
            - name: tool
              image: registry.access.redhat.com/ubi9/python-312:1-20@sha256:4f7e8f2cbbd1e4b1b5bd9b2a0e0c1f3b6b1e0f8a2b0c1d2e3f4a5b6c7d8e9f0a
              imagePullPolicy: Always
"#,
};

const SOURCE_TO_IMAGE: Practice = Practice {
    name: "source-to-image",
    policies: &["KW-IMG-006", "KW-IMG-007", "KW-IMG-008"],
    bad: r#"
apiVersion: build.openshift.io/v1
kind: BuildConfig
metadata: {name: web, namespace: shop}
spec:
  strategy:
    type: Docker                            # <- KW-IMG-006
    dockerStrategy:
      from:
        kind: DockerImage
        name: node:20                       # <- KW-IMG-008
---
apiVersion: build.openshift.io/v1
kind: BuildConfig
metadata: {name: tools, namespace: shop}
spec:
  strategy:
    type: Custom                            # <- KW-IMG-007
    customStrategy:
      from:
        kind: ImageStreamTag
        name: builder:1.0
"#,
    good: r#"
apiVersion: build.openshift.io/v1
kind: BuildConfig
metadata: {name: web, namespace: shop}
spec:
  strategy:
    type: Source
    sourceStrategy:
      from:
        kind: DockerImage
        name: registry.access.redhat.com/ubi9/nodejs-20:1-60
---
apiVersion: build.openshift.io/v1
kind: BuildConfig
metadata: {name: tools, namespace: shop}
spec:
  strategy:
    type: Source
    sourceStrategy:
      from:
        kind: ImageStreamTag
        namespace: openshift
        name: python:3.12-ubi9
"#,
};

const DANGEROUS: Practice = Practice {
    name: "no-dangerous-settings",
    policies: &[
        "KW-HRD-004",
        "KW-HRD-005",
        "KW-HRD-006",
        "KW-HRD-007",
        "KW-HRD-008",
        "KW-HRD-009",
        "KW-HRD-010",
        "KW-HRD-011",
        "KW-HRD-012",
        "KW-HRD-013",
    ],
    bad: r#"
apiVersion: v1
kind: ServiceAccount
metadata:
  name: agent
  namespace: default                        # <- KW-HRD-012
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: shop
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      serviceAccountName: agent
      automountServiceAccountToken: true    # <- KW-HRD-011
      containers:
        - name: agent
          image: registry.access.redhat.com/ubi9/ubi-minimal:9.4
          env:
            - name: API_TOKEN               # <- KW-HRD-013@name
              value: s3cr3t-t0ken
          securityContext:
            readOnlyRootFilesystem: false   # <- KW-HRD-010
            seLinuxOptions:
              type: spc_t                   # <- KW-HRD-009
            capabilities:
              drop:                         # <- KW-HRD-006
                - NET_ADMIN
              add:
                - CAP_SYS_ADMIN             # <- KW-HRD-004
                - net_raw                   # <- KW-HRD-005
      volumes:
        - name: runtime
          hostPath:
            path: /run/containerd/containerd.sock  # <- KW-HRD-007
        - name: kubelet
          hostPath:
            path: //var/lib/kubelet/pods/   # <- KW-HRD-008
"#,
    good: r#"
apiVersion: v1
kind: ServiceAccount
metadata:
  name: agent
  namespace: shop
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: shop
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      serviceAccountName: agent
      containers:
        - name: agent
          image: registry.access.redhat.com/ubi9/ubi-minimal:9.4
          env:
            - name: API_TOKEN
              valueFrom:
                secretKeyRef: {name: agent, key: token}
          securityContext:
            readOnlyRootFilesystem: true
            seLinuxOptions:
              level: "s0:c123,c456"
            capabilities:
              drop:
                - ALL
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
        - name: pod-logs
          hostPath:
            path: /var/log/pods
"#,
};

const RBAC: Practice = Practice {
    name: "rbac",
    policies: &[
        "KW-RBC-001",
        "KW-RBC-002",
        "KW-RBC-003",
        "KW-RBC-004",
        "KW-RBC-005",
        "KW-RBC-006",
        "KW-RBC-007",
        "KW-RBC-008",
        "KW-RBC-009",
        "KW-RBC-010",
        "KW-RBC-011",
    ],
    bad: r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: operator}
rules:
  - apiGroups:
      - "*"                                 # <- KW-RBC-003
    resources:
      - configmaps
    verbs:
      - get
  - apiGroups:
      - ""
    resources:                              # <- KW-RBC-007
      - secrets                             # <- KW-RBC-004
      - pods/exec                           # <- KW-RBC-005
      - nodes/proxy                         # <- KW-RBC-008
      - pods
    verbs:
      - get
      - create
  - apiGroups:
      - rbac.authorization.k8s.io
    resources:
      - clusterroles
    verbs:
      - escalate                            # <- KW-RBC-006
  - apiGroups:
      - apps
    resources:                              # <- KW-RBC-007
      - deployments
    verbs:
      - "*"                                 # <- KW-RBC-002
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin                       # <- KW-RBC-001
subjects:
  - kind: ServiceAccount
    name: default                           # <- KW-RBC-009
    namespace: shop
  - kind: Group
    name: system:unauthenticated            # <- KW-RBC-010
    apiGroup: rbac.authorization.k8s.io
  - kind: Group
    name: system:authenticated              # <- KW-RBC-011
    apiGroup: rbac.authorization.k8s.io
"#,
    good: r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: operator}
rules:
  - apiGroups:
      - ""
    resources:
      - configmaps
      - pods
      - pods/log
    verbs:
      - get
      - list
      - watch
  - apiGroups:
      - ""
    resources:
      - secrets
    resourceNames:
      - operator-tls
    verbs:
      - get
  - apiGroups:
      - apps
    resources:
      - deployments/scale
    verbs:
      - get
      - update
      - patch
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: operator}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: operator
subjects:
  - kind: ServiceAccount
    name: operator
    namespace: shop
"#,
};

const PEER_WORKLOADS: Practice = Practice {
    name: "peer-parity-workloads",
    policies: &[
        "KW-HRD-014",
        "KW-HRD-015",
        "KW-HRD-016",
        "KW-HRD-017",
        "KW-HRD-018",
        "KW-HRD-020",
        "KW-HRD-022",
        "KW-HRD-023",
        "KW-HRD-024",
        "KW-IMG-009",
        "KW-NET-008",
        "KW-NET-009",
    ],
    bad: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:                                       # <- KW-HRD-016 KW-HRD-023 KW-NET-009
      hostAliases:                              # <- KW-HRD-018
        - ip: 10.1.2.3
          hostnames: [db.example.com]
      containers:
        - name: web
          image: registry.example.com/web:1.0
          securityContext:                      # <- KW-HRD-022 KW-HRD-024
            runAsUser: 1001                     # <- KW-HRD-014
            runAsGroup: 1001                    # <- KW-HRD-015
          ports:
            - containerPort: 22                 # <- KW-NET-008@containerPort
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: db, key: password} # <- KW-HRD-017
---
apiVersion: v1
kind: Pod
metadata: {name: tiller, namespace: kube-system} # <- KW-HRD-020@namespace
spec:
  serviceAccountName: tiller
  hostUsers: false
  securityContext:
    runAsUser: 20000
    runAsGroup: 20000
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: tiller
      image: gcr.io/kubernetes-helm/tiller:v2.17.0 # <- KW-IMG-009
      securityContext:
        capabilities: {drop: [ALL]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: kube-system}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
    good: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      hostUsers: false
      securityContext:
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile: {type: RuntimeDefault}
      volumes:
        - name: db
          secret: {secretName: db}
      containers:
        - name: web
          image: registry.example.com/web:1.0
          securityContext:
            capabilities: {drop: [ALL]}
          ports:
            - containerPort: 8080
          env:
            - name: DB_PASSWORD_FILE
              value: /etc/secrets/db/password
          volumeMounts:
            - {name: db, mountPath: /etc/secrets/db, readOnly: true}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
"#,
};

const PEER_CLUSTER: Practice = Practice {
    name: "peer-parity-cluster-objects",
    policies: &[
        "KW-HRD-019",
        "KW-HRD-021",
        "KW-NET-006",
        "KW-NET-007",
        "KW-NET-010",
        "KW-NET-011",
        "KW-NET-012",
    ],
    bad: r#"
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer                            # <- KW-NET-006
  selector: {app: web}
  ports:
    - {port: 443, targetPort: 8443}
  externalIPs:                                  # <- KW-NET-007
    - 203.0.113.10
---
apiVersion: v1
kind: Service
metadata: {name: tiller-deploy, namespace: kube-system} # <- KW-NET-012@name
spec:
  selector: {app: helm, name: tiller}
  ports:
    - {name: tiller, port: 44134, targetPort: tiller}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: shop}
data:
  LOG_LEVEL: info
  DB_PASSWORD: hunter2                          # <- KW-HRD-021
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector:                                  # <- KW-NET-010
    matchLabels: {app: web}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/server-snippet: "location /admin { deny all; }" # <- KW-NET-011
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 443}}}
---
apiVersion: security.openshift.io/v1
kind: SecurityContextConstraints
metadata: {name: app}
allowPrivilegedContainer: true                  # <- KW-HRD-019
runAsUser: {type: MustRunAsRange}
seLinuxContext: {type: MustRunAs}
"#,
    good: r#"
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: ClusterIP
  selector: {app: web}
  ports:
    - {port: 443, targetPort: 8443}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web, namespace: shop}
data:
  LOG_LEVEL: info
  DB_PASSWORD_FILE: /etc/secrets/db/password
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 443}}}
---
apiVersion: security.openshift.io/v1
kind: SecurityContextConstraints
metadata: {name: app}
allowPrivilegedContainer: false
runAsUser: {type: MustRunAsRange}
seLinuxContext: {type: MustRunAs}
"#,
};

const PEER_RBAC: Practice = Practice {
    name: "peer-parity-rbac",
    policies: &[
        "KW-RBC-012",
        "KW-RBC-013",
        "KW-RBC-014",
        "KW-RBC-015",
        "KW-RBC-016",
        "KW-RBC-017",
    ],
    bad: r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: platform}
rules:
  - apiGroups: [rbac.authorization.k8s.io]
    resources:
      - rolebindings                            # <- KW-RBC-012
    verbs: [create]
  - apiGroups: [admissionregistration.k8s.io]
    resources:
      - mutatingwebhookconfigurations           # <- KW-RBC-013
    verbs: [patch]
  - apiGroups: [certificates.k8s.io]
    resources:
      - certificatesigningrequests/approval     # <- KW-RBC-014
    verbs: [update]
  - apiGroups: [""]
    resources:
      - services                                # <- KW-RBC-015
      - pods/log                                # <- KW-RBC-016
      - configmaps                              # <- KW-RBC-017
    verbs: [get, delete]
"#,
    good: r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: platform}
rules:
  - apiGroups: [rbac.authorization.k8s.io, admissionregistration.k8s.io, certificates.k8s.io]
    resources:
      - rolebindings
      - mutatingwebhookconfigurations
      - certificatesigningrequests
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources:
      - services
      - pods/log
      - configmaps
    verbs: [get, list, watch]
"#,
};

/// Checks of kubescape, checkov, kube-linter, kubesec and Trivy that the earlier
/// practices do not show: workload settings.
const PARITY_WORKLOADS: Practice = Practice {
    name: "parity-workloads",
    policies: &[
        "KW-HRD-025",
        "KW-HRD-026",
        "KW-HRD-027",
        "KW-HRD-029",
        "KW-HRD-030",
        "KW-HRD-031",
    ],
    bad: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:                                   # <- KW-HRD-026
      containers:
        - name: agent                       # <- KW-HRD-027 KW-HRD-029
          image: kubernetesui/dashboard:v2.7.0   # <- KW-HRD-031@image
          command:
            - sudo                          # <- KW-HRD-030
            - /app/agent
          volumeMounts:
            - name: logs                    # <- KW-HRD-025
              mountPath: /host/logs
      volumes:
        - name: logs
          hostPath: {path: /var/log}
"#,
    good: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
        - name: agent
          image: registry.access.redhat.com/ubi9/ubi-minimal:9.4
          securityContext:
            appArmorProfile: {type: RuntimeDefault}
          command:
            - /app/agent
          volumeMounts:
            - name: logs
              mountPath: /host/logs
              readOnly: true
      volumes:
        - name: logs
          hostPath: {path: /var/log}
"#,
};

/// Namespace and service account settings.
const PARITY_NAMESPACES: Practice = Practice {
    name: "parity-namespaces",
    policies: &["KW-HRD-028", "KW-HRD-032", "KW-HRD-033"],
    bad: r#"
apiVersion: v1                              # <- KW-HRD-028
kind: ServiceAccount
metadata: {name: default, namespace: shop}
---
apiVersion: v1
kind: Namespace
metadata:                                   # <- KW-HRD-032 KW-HRD-033
  name: shop
---
apiVersion: v1
kind: Namespace
metadata:
  name: tools
  labels:
    pod-security.kubernetes.io/enforce: baseline   # <- KW-HRD-033
"#,
    good: r#"
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
"#,
};

/// RBAC checks of kubescape and Trivy.
const PARITY_RBAC: Practice = Practice {
    name: "parity-rbac",
    policies: &[
        "KW-RBC-018",
        "KW-RBC-019",
        "KW-RBC-020",
        "KW-RBC-021",
        "KW-RBC-022",
        "KW-RBC-023",
        "KW-RBC-024",
        "KW-RBC-025",
        "KW-RBC-026",
        "KW-RBC-027",
    ],
    bad: r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: operator}
rules:
  - apiGroups: [apps]
    resources: [deployments]
    verbs:
      - get
      - delete                              # <- KW-RBC-018
  - apiGroups: [""]
    resources: [events]
    verbs:
      - deletecollection                    # <- KW-RBC-019
  - apiGroups: [""]
    resources: [pods/portforward, persistentvolumes, serviceaccounts/token]
    verbs:
      - create                              # <- KW-RBC-020 KW-RBC-021 KW-RBC-022
  - apiGroups: [""]
    resources: [configmaps]
    resourceNames: [aws-auth]
    verbs:
      - patch                               # <- KW-RBC-023
  - apiGroups:                              # <- KW-RBC-024@apiGroups
      - rbac.authorization.k8s.io
    resources: [rolebindings]
    verbs: [create]
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [clusterroles]
    resourceNames: ["*"]
    verbs: [bind]
  - apiGroups:                              # <- KW-RBC-025@apiGroups
      - "*"
    resources: [rolebindings]
    verbs: [get, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: admins}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kubernetes-dashboard}
subjects:
  - kind: Group                             # <- KW-RBC-026@kind
    name: "system:masters"                  # <- KW-RBC-027
"#,
    good: r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: operator}
rules:
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get]
  - apiGroups: [""]
    resources: [events]
    verbs: [create]
  - apiGroups: [""]
    resources: [pods, persistentvolumeclaims, serviceaccounts]
    verbs: [get]
  - apiGroups: [""]
    resources: [configmaps]
    resourceNames: [aws-auth]
    verbs: [get]
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [rolebindings]
    verbs: [create]
  - apiGroups: [rbac.authorization.k8s.io]
    resources: [clusterroles]
    resourceNames: [view]
    verbs: [bind]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: viewers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - kind: Group
    name: ops
"#,
};

const PEER_GAPS: Practice = Practice {
    name: "peer-gaps",
    policies: &[
        "KW-IMG-010",
        "KW-IMG-011",
        "KW-HRD-034",
        "KW-HRD-035",
        "KW-RBC-028",
        "KW-RBC-029",
    ],
    bad: r#"
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedRepos
metadata: {name: repos}
spec:
  parameters:
    repos:
      - registry.access.redhat.com/
      - quay.io                             # <- KW-IMG-010
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tiller-deploy, namespace: kube-system}
spec:
  selector: {matchLabels: {app: helm}}
  template:
    metadata: {labels: {app: helm}}
    spec:
      containers:
        - name: tiller
          image: gcr.io/kubernetes-helm/tiller:v2.17.0   # <- KW-IMG-011
          args: ["--listen=:44134"]
        - name: git-sync
          image: registry.k8s.io/git-sync/git-sync:v4.2.3
          env:
            - name: GITSYNC_REPO
              value: https://github.com/example/site
            - name: GITSYNC_GIT             # <- KW-HRD-034@name
              value: /tmp/git
---
apiVersion: v1
kind: ConfigMap
metadata: {name: mailer}
data:
  SMTP_HOST: smtp.example.com
  ADMIN_EMAIL: jane.doe@example.com         # <- KW-HRD-035
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: status-writer}
rules:
  - apiGroups: [""]
    resources: [services/status]
    verbs: [patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: status-writer}
subjects:
  - kind: Group
    name: ops
  - kind: ServiceAccount                    # <- KW-RBC-028@kind
    name: app
    namespace: shop
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: everything, namespace: shop}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci, namespace: shop}
roleRef:                                    # <- KW-RBC-029
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: everything
subjects:
  - {kind: ServiceAccount, name: ci, namespace: shop}   # <- KW-RBC-028@kind
"#,
    good: r#"
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sAllowedRepos
metadata: {name: repos}
spec:
  parameters:
    repos:
      - registry.access.redhat.com/
      - quay.io/example/
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: tiller-deploy, namespace: kube-system}
spec:
  selector: {matchLabels: {app: helm}}
  template:
    metadata: {labels: {app: helm}}
    spec:
      containers:
        - name: tiller
          image: gcr.io/kubernetes-helm/tiller:v2.17.0
          args: ["--listen=localhost:44134"]
        - name: git-sync
          image: registry.k8s.io/git-sync/git-sync:v4.2.3
          env:
            - name: GITSYNC_REPO
              value: https://github.com/example/site
---
apiVersion: v1
kind: ConfigMap
metadata: {name: mailer}
data:
  SMTP_HOST: smtp.example.com
  ADMIN_EMAIL_FILE: /etc/secrets/mailer/admin
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: status-writer}
rules:
  - apiGroups: [""]
    resources: [services/status]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: status-writer}
subjects:
  - kind: ServiceAccount
    name: app
    namespace: shop
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: deployer, namespace: shop}
rules:
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [get, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci, namespace: shop}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: deployer
subjects:
  - {kind: ServiceAccount, name: ci, namespace: shop}
"#,
};

const PEER_GAPS_NETWORK: Practice = Practice {
    name: "peer-gaps-network",
    policies: &["KW-NET-014", "KW-NET-015", "KW-IMG-012"],
    bad: r#"
apiVersion: v1                              # <- KW-NET-015
kind: Namespace
metadata:
  name: shop
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:                                       # <- KW-NET-014
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: metrics-server, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: metrics-server}}
  template:
    metadata: {labels: {k8s-app: metrics-server}}
    spec:
      containers:
        - name: metrics-server
          image: k8s.gcr.io/metrics-server/metrics-server:v0.6.1   # <- KW-IMG-012
"#,
    good: r#"
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: metrics-server, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: metrics-server}}
  template:
    metadata: {labels: {k8s-app: metrics-server}}
    spec:
      containers:
        - name: metrics-server
          image: registry.k8s.io/metrics-server/metrics-server:v0.7.2
"#,
};

const PEER_GAPS_PORTS: Practice = Practice {
    name: "peer-gaps-ports",
    policies: &["KW-NET-016", "KW-NET-017", "KW-NET-018"],
    bad: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:                                   # <- KW-NET-016
      containers:
        - name: web
          image: registry.example.com/web:1.0
          ports:
            - name: Web_HTTP                # <- KW-NET-017@name
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: web-http-endpoint-1       # <- KW-NET-018@targetPort
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: front}}}]
"#,
    good: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: http
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: front}}}]
  egress:
    - to: [{podSelector: {matchLabels: {app: db}}}]
"#,
};

const KUBESCAPE_GAPS: Practice = Practice {
    name: "kubescape-gaps",
    policies: &[
        "KW-IMG-013",
        "KW-IMG-014",
        "KW-IMG-015",
        "KW-IMG-016",
        "KW-IMG-017",
        "KW-IMG-018",
        "KW-NET-019",
        "KW-NET-020",
        "KW-NET-021",
        "KW-NET-022",
        "KW-NET-023",
        "KW-RBC-030",
        "KW-RBC-031",
        "KW-RBC-032",
        "KW-HRD-036",
        "KW-HRD-037",
        "KW-HRD-038",
        "KW-HRD-039",
    ],
    bad: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: tools, namespace: shop}
spec:
  selector: {matchLabels: {app: tools}}
  template:
    metadata: {labels: {app: tools}}
    spec:                                   # <- KW-NET-021 KW-RBC-030 KW-RBC-031 KW-RBC-032
      serviceAccountName: tools
      containers:
        - name: argocd
          image: quay.io/argoproj/argocd:v2.2.3             # <- KW-IMG-013
        - name: grafana
          image: docker.io/grafana/grafana:9.2.3            # <- KW-IMG-014 KW-IMG-017
        - name: kyverno
          image: ghcr.io/kyverno/kyverno:v1.8.4             # <- KW-IMG-015
        - name: ingress
          image: registry.k8s.io/ingress-nginx/controller:v1.0.0   # <- KW-IMG-016 KW-IMG-018
---
apiVersion: v1
kind: Service
metadata: {name: tools, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: tools}
  ports:
    - {name: https, port: 443, targetPort: 8443}   # <- KW-NET-019@port:
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: tools}
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: tools}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tools}
subjects:
  - {kind: ServiceAccount, name: tools, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: kubernetes-dashboard, namespace: dash}
spec:
  selector: {matchLabels: {app: dashboard}}
  template:
    metadata: {labels: {app: dashboard}}
    spec:                                   # <- KW-NET-021 KW-NET-023
      automountServiceAccountToken: false
      containers:
        - name: dashboard
          image: registry.example.com/kubernetesui/dashboard:v2.7.0
---
apiVersion: v1
kind: Service
metadata: {name: kubernetes-dashboard, namespace: dash}
spec:
  type: NodePort
  selector: {app: dashboard}
  ports: [{port: 443, targetPort: 8443}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: site}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:                                   # <- KW-NET-022
      automountServiceAccountToken: false
      containers:
        - name: web
          image: registry.example.com/site/web:1.4.2
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: site}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: site}
spec:
  parentRefs: [{name: public, namespace: gateways}]
  rules:
    - backendRefs: [{name: web, port: 80}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-proxy, namespace: kube-system}
data:
  config.conf: |                            # <- KW-NET-020
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    metricsBindAddress: 0.0.0.0:10249
---
apiVersion: extensions.agents.x-k8s.io/v1alpha1
kind: SandboxTemplate
metadata: {name: python, namespace: agents}
spec:
  networkPolicyManagement: Unmanaged        # <- KW-HRD-037
  podTemplate:
    spec:
      runtimeClassName: runc                # <- KW-HRD-036
      containers:
        - name: python                      # <- KW-HRD-038 KW-HRD-038
          image: python:latest              # <- KW-HRD-039
"#,
    good: r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: tools, namespace: shop}
spec:
  selector: {matchLabels: {app: tools}}
  template:
    metadata: {labels: {app: tools}}
    spec:
      serviceAccountName: tools
      containers:
        - name: argocd
          image: quay.io/argoproj/argocd:v2.2.4
        - name: grafana
          image: registry.example.com/grafana/grafana:9.2.4
        - name: kyverno
          image: ghcr.io/kyverno/kyverno:v1.8.5
---
apiVersion: v1
kind: Service
metadata:
  name: tools
  namespace: shop
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:123456789012:certificate/example
spec:
  selector: {app: tools}
  ports:
    - {name: https, port: 443, targetPort: 8443}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: tools}
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: tools}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: tools}
subjects:
  - {kind: ServiceAccount, name: other, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: kubernetes-dashboard, namespace: dash}
spec:
  selector: {matchLabels: {app: dashboard}}
  template:
    metadata: {labels: {app: dashboard}}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: dashboard
          image: registry.example.com/kubernetesui/dashboard:v2.7.0
---
apiVersion: v1
kind: Service
metadata: {name: kubernetes-dashboard, namespace: dash}
spec:
  selector: {app: dashboard}
  ports: [{port: 443, targetPort: 8443}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-proxy, namespace: kube-system}
data:
  config.conf: |
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    metricsBindAddress: 127.0.0.1:10249
---
apiVersion: extensions.agents.x-k8s.io/v1alpha1
kind: SandboxTemplate
metadata: {name: python, namespace: agents}
spec:
  networkPolicy:
    egress:
      - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
  podTemplate:
    spec:
      runtimeClassName: gvisor
      containers:
        - name: python
          image: registry.example.com/python:3.12.7
          resources:
            limits: {cpu: 500m, memory: 256Mi}
"#,
};

const DASHBOARD_ACCOUNT: Practice = Practice {
    name: "dashboard-service-account",
    policies: &["KW-RBC-033"],
    bad: r#"
apiVersion: batch/v1
kind: Job
metadata: {name: export, namespace: kubernetes-dashboard}
spec:
  template:
    spec:
      restartPolicy: Never
      serviceAccountName: kubernetes-dashboard      # <- KW-RBC-033
      automountServiceAccountToken: false
      containers:
        - name: export
          image: registry.access.redhat.com/ubi9/ubi-minimal:9.4
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {cpu: 100m, memory: 64Mi}
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
            seccompProfile: {type: RuntimeDefault}
"#,
    good: r#"
apiVersion: batch/v1
kind: Job
metadata: {name: export, namespace: kubernetes-dashboard}
spec:
  template:
    spec:
      restartPolicy: Never
      serviceAccountName: export
      automountServiceAccountToken: false
      containers:
        - name: export
          image: registry.access.redhat.com/ubi9/ubi-minimal:9.4
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {cpu: 100m, memory: 64Mi}
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
            seccompProfile: {type: RuntimeDefault}
"#,
};

const PRACTICES: &[Practice] = &[
    NON_ROOT,
    SERVICES,
    PRIVILEGED_PORTS,
    TRUSTED_IMAGES,
    SOURCE_TO_IMAGE,
    DANGEROUS,
    RBAC,
    PEER_WORKLOADS,
    PEER_CLUSTER,
    PEER_RBAC,
    PARITY_WORKLOADS,
    PARITY_NAMESPACES,
    PARITY_RBAC,
    PEER_GAPS,
    PEER_GAPS_NETWORK,
    PEER_GAPS_PORTS,
    KUBESCAPE_GAPS,
    DASHBOARD_ACCOUNT,
];

#[test]
fn each_finding_lands_on_its_marked_line_and_column() {
    let engine = engine();
    for practice in PRACTICES {
        let expected = markers(practice.bad);
        assert!(!expected.is_empty(), "{}: no marker", practice.name);
        for policy in practice.policies {
            assert!(
                expected.iter().any(|(p, _, _)| p == policy),
                "{}: no marker for {policy}",
                practice.name
            );
        }
        assert_eq!(
            found(&engine, practice, practice.bad),
            expected,
            "{}: findings (policy, line, column)",
            practice.name
        );
    }
}

#[test]
fn the_fixed_forms_are_clean() {
    let engine = engine();
    for practice in PRACTICES {
        assert!(markers(practice.good).is_empty(), "{}", practice.name);
        assert_eq!(
            found(&engine, practice, practice.good),
            Vec::new(),
            "{}: the fixed form still has findings",
            practice.name
        );
    }
}

#[test]
fn every_policy_of_the_packs_has_a_practice() {
    let engine = Engine::new(EngineOptions {
        packs: vec!["hardening".to_string(), "rbac".to_string()],
        ..EngineOptions::default()
    })
    .unwrap();
    let mine = ["KW-HRD-", "KW-IMG-", "KW-NET-", "KW-RBC-", "KW-REL-"];
    for rule in engine.rules() {
        if !mine.iter().any(|p| rule.id.starts_with(p)) {
            continue;
        }
        assert!(
            PRACTICES
                .iter()
                .any(|p| p.policies.contains(&rule.id.as_str())),
            "{} has no practice fixture",
            rule.id
        );
    }
}

#[test]
fn the_hardening_pack_holds_the_founding_checks() {
    let ids: Vec<String> = Engine::new(EngineOptions {
        packs: vec!["hardening".to_string()],
        ..EngineOptions::default()
    })
    .unwrap()
    .rules()
    .into_iter()
    .map(|r| r.id)
    .collect();
    for id in [
        "KW-NET-001",
        "KW-REL-001",
        "KW-HRD-001",
        "KW-HRD-007",
        "KW-IMG-001",
        "KW-IMG-006",
    ] {
        assert!(ids.contains(&id.to_string()), "{id} is not in hardening");
    }
    let rbac: Vec<String> = Engine::new(EngineOptions {
        packs: vec!["rbac".to_string()],
        ..EngineOptions::default()
    })
    .unwrap()
    .rules()
    .into_iter()
    .map(|r| r.id)
    .collect();
    assert_eq!(rbac.len(), 33, "{rbac:?}");
    assert!(rbac.iter().all(|id| id.starts_with("KW-RBC-")), "{rbac:?}");
}
