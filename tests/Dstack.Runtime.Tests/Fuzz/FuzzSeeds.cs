namespace Dstack.Runtime.Tests.Fuzz;

/// <summary>Realistic files of every kind the loader reads: the starting points that the fuzzer mutates.</summary>
internal static class FuzzSeeds
{
    public static IReadOnlyList<(string Path, string Text)> All { get; } =
    [
        ("train.dstack.yml", """
            type: task
            name: train-llama
            python: "3.11"
            nvcc: true
            env:
              - HF_TOKEN
              - MODEL_ID=meta-llama/Meta-Llama-3.1-8B
              - EPOCHS=3
            commands:
              - pip install -r requirements.txt
              - python train.py --model $MODEL_ID --epochs $EPOCHS ${{ run.args }}
            ports:
              - 6006
              - "8080:80"
            nodes: 2
            resources:
              gpu: A100:80GB:2
              cpu: 8..
              memory: 64GB..256GB
              shm_size: 16GB
              disk: 500GB..
            spot_policy: auto
            max_duration: 2h
            retry:
              on_events: [no-capacity, interruption]
              duration: 1h
            """),
        ("serve.dstack.yml", """
            type: service
            name: llama-serve
            image: ghcr.io/huggingface/text-generation-inference:latest
            env:
              MODEL_ID: meta-llama/Meta-Llama-3.1-8B-Instruct
              HF_TOKEN: null
            commands:
              - text-generation-launcher --port 8000 --trust-remote-code
            port: 8000
            model:
              type: chat
              name: meta-llama/Meta-Llama-3.1-8B-Instruct
              format: tgi
            replicas: 1..4
            scaling:
              metric: rps
              target: 10
              scale_up_delay: 5m
            resources:
              gpu: 24GB..80GB:1..2
              disk: {size: 200GB..1TB}
            auth: false
            gateway: false
            """),
        ("dev.dstack.yml", """
            type: dev-environment
            name: vscode
            python: "3.12"
            ide: vscode
            init:
              - pip install jupyterlab
            inactivity_duration: 2h
            ports: ["*:8888"]
            resources:
              gpu:
                vendor: nvidia
                name: [H100, A100]
                count: 1..2
                memory: 40GB..
                total_memory: 80GB..
                compute_capability: "8.0"
            idle_duration: off
            backends: [aws, gcp, runpod]
            regions: [us-east-1, europe-west4]
            max_price: 2.5
            """),
        ("amd.dstack.yml", """
            # An AMD task with anchors, a merge key and block scalars
            type: task
            image: &image rocm/pytorch:latest
            resources:
              <<: {cpu: 4..16}
              gpu: MI300X:8
              memory: 1TB
            volumes:
              - name: my-data
                path: /data
              - instance_path: /mnt/cache
                path: /root/.cache
                optional: true
              - other-volume:/other
            commands:
              - *image
              - |
                echo "multi line"
                python -c 'print(1)'
              - >
                folded text
                continues here
            working_dir: src/app
            user: "1000:1000"
            utilization_policy:
              min_gpu_utilization: 10
              time_window: 30m
            """),
        ("tpu.dstack.yml", """
            type: task
            commands: [python run.py]
            env: [NGC_USER, NGC_API_KEY]
            resources: {gpu: "tpu:v5litepod-8", cpu: 2..8}
            registry_auth:
              username: ${{ env.NGC_USER }}
              password: ${{ env.NGC_API_KEY }}
            single_branch: false
            privileged: true
            stop_duration: 30s
            creation_policy: reuse
            instance_types: [p4d.24xlarge]
            """),
        (".dstack/profiles.yml", """
            profiles:
              - name: large
                backends: [aws]
                spot_policy: spot
                max_price: 1.5
                default: true
              - name: local
                backends: [local]
                idle_duration: 5m
                retry: true
                max_duration: off
            """),
        (".dstack/workflows/x.yaml", """
            workflows:
              - name: train
                provider: bash
                python: 3.10
                commands:
                  - pip install -r requirements.txt
                  - python train.py
                env:
                  - EPOCHS=3
                artifacts:
                  - path: ./output
                cache:
                  - path: ~/.cache/pip
                resources:
                  gpu:
                    name: V100
                    count: 1
                    memory: 16GB
                  memory: 32GB
                  shm_size: 8GB
                  interruptible: true
              - name: app
                provider: docker
                image: ubuntu:22.04
                commands: [./start.sh]
                ports: [3000]
            """),
    ];
}
