import 'package:flutter/material.dart';
import 'package:flutter_hooks/flutter_hooks.dart';

import '../theme/app_theme.dart';

/// Circular progress towards the yearly distance goal, animated whenever
/// the value changes.
class GoalProgressRing extends HookWidget {
  const GoalProgressRing({
    super.key,
    required this.doneKm,
    required this.goalKm,
  });

  final double doneKm;
  final double goalKm;

  @override
  Widget build(BuildContext context) {
    final textTheme = Theme.of(context).textTheme;
    final controller = useAnimationController(
      duration: const Duration(milliseconds: 600),
    );
    final progress = useAnimation(controller);
    useEffect(() {
      controller.animateTo((doneKm / goalKm).clamp(0.0, 1.0));
      return null;
    }, [doneKm, goalKm]);
    return Stack(
      alignment: Alignment.center,
      children: [
        SizedBox(
          width: 96,
          height: 96,
          child: CircularProgressIndicator(
            value: progress,
            strokeWidth: 8,
            color: trailGreen,
          ),
        ),
        Text('${(progress * 100).round()}%', style: textTheme.titleLarge),
      ],
    );
  }
}

class PulsingDot extends StatefulWidget {
  const PulsingDot({super.key, this.color = trailGreen});

  final Color color;

  @override
  State<PulsingDot> createState() => _PulsingDotState();
}

class _PulsingDotState extends State<PulsingDot> {
  bool _big = false;

  @override
  void initState() {
    super.initState();
    WidgetsBinding.instance.addPostFrameCallback((_) => _toggle());
  }

  void _toggle() {
    if (!mounted) {
      return;
    }
    setState(() => _big = !_big);
  }

  @override
  Widget build(BuildContext context) {
    return AnimatedContainer(
      duration: const Duration(milliseconds: 800),
      onEnd: _toggle,
      width: _big ? 14 : 8,
      height: _big ? 14 : 8,
      decoration: BoxDecoration(
        color: widget.color,
        shape: BoxShape.circle,
      ),
    );
  }
}
